package dev.lapse.sweep;

/** The sweep's in-memory marks pass the same contract as their DynamoDB adapter. */
class InMemorySweepMarksContractTest extends SweepMarksContract {
    @Override
    protected SweepMarks newMarks() {
        return new InMemorySweepMarks();
    }
}
