package dev.lapse.functions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.lapse.Lapse;
import dev.lapse.PrimingSample;
import dev.lapse.observe.LogFields;
import dev.lapse.run.BatchEvents;
import dev.lapse.run.DueJobMessages;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Runs the jobs the due-jobs queue (SQS) points at; see {@link DueJobMessages}. Reads the SQS event itself ({@link BatchEvents}). */
public final class RunDueJobsHandler implements RequestStreamHandler {
    private final DueJobMessages dueJobs;

    public RunDueJobsHandler() {
        this(Lapse.fromEnvironment());
    }

    public RunDueJobsHandler(Lapse lapse) {
        this.dueJobs = lapse.dueJobMessages();
        lapse.primeOnInit(PrimingSample.RUN_DUE_JOBS);
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        try (LogFields.Scope request = LogFields.forRequest(context.getAwsRequestId())) {
            BatchEvents.answer(dueJobs.handleAll(BatchEvents.records(input), m -> m.path("messageId").asText(), m -> m.path("body").asText()), output);
        }
    }
}
