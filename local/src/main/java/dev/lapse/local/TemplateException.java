package dev.lapse.local;

/** template.yaml holds something the local runtime cannot honour; the message names the resource and property. */
public class TemplateException extends RuntimeException {
    public TemplateException(String message) {
        super(message);
    }

    public TemplateException(String message, Throwable cause) {
        super(message, cause);
    }
}
