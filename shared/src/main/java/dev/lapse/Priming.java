package dev.lapse;

import dev.lapse.job.Job;
import dev.lapse.json.Json;
import dev.lapse.run.PrimingThreads;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * Cold-start priming: does, during a function's init, the work its first event would otherwise pay
 * for (class loading, Jackson, the SDK clients' marshalling, signing and unmarshalling), so that the
 * first event runs warm. Priming runs the function's path (its {@link PrimingSample}: the shared
 * service its handler calls) on a sample event, with every AWS call answered inside the process by
 * {@link #transport}: nothing is sent to AWS, so priming reads and writes no table, queue or bus.
 * The only I/O it can cause is the credentials lookup the first event would do anyway.
 *
 * <p>Under SnapStart ({@code AWS_LAMBDA_INITIALIZATION_TYPE=snap-start}) priming runs in a CRaC
 * {@code beforeCheckpoint} hook, so that its effect is in the snapshot every restored instance
 * starts from; otherwise it runs at once, in the handler's constructor.
 */
public final class Priming {
    private static final Logger LOG = LoggerFactory.getLogger(Priming.class);
    /** The answer of an AWS call made while priming, but the three shaped below: an empty JSON object, which every JSON-protocol operation accepts. */
    private static final byte[] EMPTY_ANSWER = "{}".getBytes(StandardCharsets.UTF_8);
    private static final String SQS_SEND_MESSAGE = "AmazonSQS.SendMessage";
    private static final String SQS_RECEIVE_MESSAGE = "AmazonSQS.ReceiveMessage";
    private static final String PUT_EVENTS = "AWSEvents.PutEvents";

    private final List<String> answered = new CopyOnWriteArrayList<>();
    private final boolean snapStart;
    /** CRaC holds its resources weakly: the hook lives as long as this object. */
    private Resource checkpointHook;

    /** True on the thread that is priming, while it primes: what it does is not real (no metrics come of it). */
    static boolean active() {
        return PrimingThreads.active();
    }

    /** @param initializationType the Lambda environment's {@code AWS_LAMBDA_INITIALIZATION_TYPE} (null outside Lambda) */
    Priming(String initializationType) {
        this.snapStart = "snap-start".equals(initializationType);
    }

    /**
     * Wraps the HTTP client every SDK client of this {@link Lapse} uses: on a thread that is priming ({@link PrimingThreads},
     * the sample's thread and the batch workers it starts), calls are answered here; on every other thread, and after
     * priming, they go to {@code real}.
     */
    SdkHttpClient transport(SdkHttpClient real) {
        return new SdkHttpClient() {
            @Override
            public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
                if (!PrimingThreads.active()) {
                    return real.prepareRequest(request);
                }
                String operation = request.httpRequest().firstMatchingHeader("X-Amz-Target").orElse(request.httpRequest().encodedPath());
                answered.add(operation);
                prepareOnly(real, request);
                byte[] answer = switch (operation) {
                    case SQS_SEND_MESSAGE -> sendMessageAnswer(request);
                    case SQS_RECEIVE_MESSAGE -> receiveMessageAnswer();
                    case PUT_EVENTS -> putEventsAnswer(request);
                    default -> EMPTY_ANSWER;
                };
                return new ExecutableHttpRequest() {
                    @Override
                    public HttpExecuteResponse call() {
                        return HttpExecuteResponse.builder()
                                .response(SdkHttpResponse.builder().statusCode(200)
                                        .putHeader("Content-Type", "application/x-amz-json-1.0")
                                        .putHeader("x-amzn-RequestId", "lapse-priming").build())
                                .responseBody(AbortableInputStream.create(new ByteArrayInputStream(answer)))
                                .build();
                    }

                    @Override
                    public void abort() {
                    }
                };
            }

            @Override
            public String clientName() {
                return real.clientName();
            }

            @Override
            public void close() {
                real.close();
            }
        };
    }

    /**
     * Prepares the request on the real client and aborts it without calling it: for the URL-connection client that opens
     * no connection and sends nothing, but loads its own classes and the JDK's HTTP ones, which the first real call would
     * otherwise load (and, under SnapStart, they are then in the snapshot). A client that refuses is left alone.
     */
    private static void prepareOnly(SdkHttpClient real, HttpExecuteRequest request) {
        try {
            real.prepareRequest(request).abort();
        } catch (RuntimeException e) {
            // priming only saves time
        }
    }

    /**
     * SendMessage's answer carries the MD5 of the body sent, which the SQS client checks: an empty
     * answer would make the sample's send fail (and log a warning) instead of succeeding.
     */
    private static byte[] sendMessageAnswer(HttpExecuteRequest request) {
        try (var body = request.contentStreamProvider().orElseThrow().newStream()) {
            String sent = Json.MAPPER.readTree(body).path("MessageBody").asText();
            return Json.write(Json.object().put("MessageId", SAMPLE_JOB_ID).put("MD5OfMessageBody", md5(sent))).getBytes(StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return EMPTY_ANSWER;
        }
    }

    /**
     * ReceiveMessage's answer: the sample job's dead letter, sent a minute ago, so that a replay's sample goes the whole
     * way (read the job, put it back, offer it, delete the message) instead of stopping at an empty queue.
     */
    private static byte[] receiveMessageAnswer() {
        Instant sent = Instant.now().minusSeconds(60);
        String body = Json.write(dev.lapse.run.DeadLetters.message(sampleJob(sent), "priming", sent));
        var message = Json.object().put("MessageId", SAMPLE_JOB_ID).put("ReceiptHandle", SAMPLE_JOB_ID).put("Body", body)
                .put("MD5OfBody", md5(body));
        message.putObject("Attributes").put("SentTimestamp", Long.toString(sent.toEpochMilli()));
        var answer = Json.object();
        answer.putArray("Messages").add(message);
        return Json.write(answer).getBytes(StandardCharsets.UTF_8);
    }

    /** PutEvents' answer: every entry accepted, as the publisher reads it (an empty answer would read as a failed entry). */
    private static byte[] putEventsAnswer(HttpExecuteRequest request) {
        try (var body = request.contentStreamProvider().orElseThrow().newStream()) {
            int entries = Json.MAPPER.readTree(body).path("Entries").size();
            var answer = Json.object().put("FailedEntryCount", 0);
            var results = answer.putArray("Entries");
            for (int i = 0; i < entries; i++) {
                results.addObject().put("EventId", SAMPLE_JOB_ID + "-" + i);
            }
            return Json.write(answer).getBytes(StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return EMPTY_ANSWER;
        }
    }

    private static String md5(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The id of the sample job priming runs; it never reaches a table (the calls are answered in-process). */
    public static final String SAMPLE_JOB_ID = "lapse-priming";

    /** A job due a second before {@code now}, for a handler's sample event. */
    public static Job sampleJob(Instant now) {
        Instant due = now.minusSeconds(1).truncatedTo(ChronoUnit.MILLIS);
        return new Job(SAMPLE_JOB_ID, "lapse.priming", "{\"priming\":true}", due, due.toString(), SAMPLE_JOB_ID, 1, Optional.empty(),
                List.of(), due.minusSeconds(60), "lapse.priming");
    }

    /** Loads what reading and writing a job's JSON needs (Jackson, the job's bound records), on whichever thread calls it. */
    static void warmJson() {
        Job job = sampleJob(Instant.now());
        Json.read(Json.write(dev.lapse.job.JobJson.deadLettered(job)));
        Json.write(dev.lapse.job.JobJson.shown(job, java.time.Duration.ZERO));
    }

    /** The AWS calls priming has answered in-process, by operation ({@code X-Amz-Target}); none of them reached AWS. */
    public List<String> answered() {
        return List.copyOf(answered);
    }

    /** The hook registered for SnapStart's checkpoint, if this is a SnapStart init. */
    Optional<Resource> checkpointHook() {
        return Optional.ofNullable(checkpointHook);
    }

    /**
     * Primes with {@code sample} (the function's path on a sample event) now, or, during a SnapStart init,
     * just before the snapshot is taken.
     */
    void onInit(Runnable sample) {
        if (snapStart) {
            checkpointHook = new Resource() {
                @Override
                public void beforeCheckpoint(Context<? extends Resource> context) {
                    run(sample);
                }

                @Override
                public void afterRestore(Context<? extends Resource> context) {
                }
            };
            Core.getGlobalContext().register(checkpointHook);
        } else {
            run(sample);
        }
    }

    /**
     * Runs {@code sample} with every AWS call answered in-process. A failure is logged, never thrown:
     * priming only saves time, and the answers it gets are not real ones.
     */
    public void run(Runnable sample) {
        long t0 = System.nanoTime();
        int before = answered.size();
        PrimingThreads.set(true);
        try {
            sample.run();
        } catch (RuntimeException e) {
            LOG.debug("priming stopped early (the in-process answers are empty): {}", e.toString());
        } finally {
            PrimingThreads.set(false);
        }
        LOG.info("primed in {} ms: the function ran on a sample event, its {} AWS calls answered in-process (nothing sent)",
                (System.nanoTime() - t0) / 1_000_000, answered.size() - before);
    }
}
