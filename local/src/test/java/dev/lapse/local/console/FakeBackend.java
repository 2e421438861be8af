package dev.lapse.local.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lapse.json.Json;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A backend that answers from fixed jobs and records every request the console passed on. */
final class FakeBackend implements ConsoleBackend {
    final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    final List<JsonNode> replays = new CopyOnWriteArrayList<>();
    volatile ArrayNode pending = Json.MAPPER.createArrayNode();
    volatile ArrayNode deadLettered = Json.MAPPER.createArrayNode();
    volatile ObjectNode job = Json.object();

    @Override
    public JsonNode request(JsonNode request) {
        requests.add(request);
        String type = request.path("detail-type").asText();
        ObjectNode answer = Json.object().put("ok", true);
        switch (type) {
            case "List Jobs" -> {
                answer.set("jobs", "dead-lettered".equals(request.path("detail").path("state").asText()) ? deadLettered : pending);
                answer.putNull("nextToken");
            }
            case "Get Job" -> {
                answer.set("job", job.path("job"));
                answer.set("history", job.path("history"));
            }
            case "Cancel Job" -> answer.put("outcome", "CANCELLED").put("jobId", request.path("detail").path("jobId").asText());
            default -> throw new IllegalStateException("the console sent " + type);
        }
        return answer;
    }

    @Override
    public JsonNode replay(JsonNode request) {
        replays.add(request);
        ObjectNode answer = Json.object().put("ok", true);
        answer.putArray("replayed").add(request.path("jobId").asText());
        return answer;
    }

    @Override
    public JsonNode figures() {
        return Json.object().put("deadLetters", deadLettered.size());
    }

    @Override
    public String describe() {
        return "a test backend <b>bold</b>";
    }
}
