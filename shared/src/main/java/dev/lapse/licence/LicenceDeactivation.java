package dev.lapse.licence;

import dev.lapse.action.JobAction;
import dev.lapse.job.Job;
import dev.lapse.json.Json;
import dev.lapse.store.ExecutionLedger;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * The built-in action of a {@value PaidLicenses#JOB_TYPE} job: deactivates the licence in its payload if it still waits
 * for it, and finishes the occurrence's ledger record DONE in the same DynamoDB transaction, so the deactivation happens
 * once even if the job is delivered again. This adapter is the one place that writes a job's effect together with the
 * ledger; the runner and the action's interface see neither the ledger nor an SDK type.
 */
public final class LicenceDeactivation implements JobAction {
    private final PaidLicenses licences;
    private final ExecutionLedger ledger;

    public LicenceDeactivation(PaidLicenses licences, ExecutionLedger ledger) {
        this.licences = licences;
        this.ledger = ledger;
    }

    /** A deactivation writes the licence and the ledger; it puts no event on the bus. */
    @Override
    public boolean publishesEvents() {
        return false;
    }

    @Override
    public Result run(Job job, Run run) {
        String licenceId = Json.read(job.payload()).path(PaidLicenses.KEY).asText("");
        if (licenceId.isEmpty()) {
            throw new IllegalArgumentException("payload.licenceId is missing: a " + PaidLicenses.JOB_TYPE + " job needs the licence to deactivate");
        }
        String outcome = "deactivated licence " + licenceId;
        try {
            licences.dynamo().transactWriteItems(r -> r.transactItems(
                    TransactWriteItem.builder().update(licences.deactivation(licenceId, run.firedAt())).build(),
                    ledger.finishWrite(job.occurrenceId(), job.attempt(), ExecutionLedger.State.DONE, outcome)));
            return new Result(outcome, true);
        } catch (TransactionCanceledException e) {
            boolean licenceCondition = e.hasCancellationReasons() && !e.cancellationReasons().isEmpty()
                    && "ConditionalCheckFailed".equals(e.cancellationReasons().get(0).code());
            if (licenceCondition) {
                return new Result("licence " + licenceId + " left alone: not waiting for deactivation (" + licences.describe(licenceId) + ")", false);
            }
            throw e;
        }
    }
}
