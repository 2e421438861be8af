package dev.lapse.functions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.lapse.Lapse;
import dev.lapse.PrimingSample;
import dev.lapse.observe.LogFields;
import dev.lapse.run.DueJobMessages;

/** Runs the jobs the due-jobs queue (SQS) points at; see {@link DueJobMessages}. */
public final class RunDueJobsHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {
    private final DueJobMessages dueJobs;

    public RunDueJobsHandler() {
        this(Lapse.fromEnvironment());
    }

    public RunDueJobsHandler(Lapse lapse) {
        this.dueJobs = lapse.dueJobMessages();
        lapse.primeOnInit(PrimingSample.RUN_DUE_JOBS);
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        try (LogFields.Scope request = LogFields.forRequest(context.getAwsRequestId())) {
            return new SQSBatchResponse(dueJobs.handleAll(event.getRecords(), SQSEvent.SQSMessage::getMessageId, SQSEvent.SQSMessage::getBody)
                    .stream().map(SQSBatchResponse.BatchItemFailure::new).toList());
        }
    }
}
