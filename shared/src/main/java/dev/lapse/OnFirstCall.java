package dev.lapse;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.function.Supplier;

/**
 * A client built on its first call, so that a function builds only the clients it uses (every
 * function uses DynamoDB; the replay alone reads streams, and not every function sends events or messages).
 */
final class OnFirstCall {
    private OnFirstCall() {
    }

    /** A proxy of {@code type} that builds the client with {@code build} when it is first called. */
    static <T> T proxy(Class<T> type, Supplier<T> build) {
        var client = new Object() {
            private T built;

            synchronized T get() {
                if (built == null) {
                    built = build.get();
                }
                return built;
            }
        };
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            try {
                return method.invoke(client.get(), args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }));
    }
}
