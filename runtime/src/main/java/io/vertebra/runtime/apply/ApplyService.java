package io.vertebra.runtime.apply;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertebra.runtime.config.WorkerConfig;
import io.vertebra.runtime.rest.RestException;
import io.vertebra.runtime.rest.entities.ConfigInfos;
import io.vertebra.runtime.service.ConnectService;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /apply} (and so {@code vertebra apply}): documents → desired state → read the actual state → plan →
 * validate what the plan writes → apply. Applies on one worker run one at a time; blocks (call it off the event loop).
 */
public final class ApplyService {
    private static final Logger log = LoggerFactory.getLogger(ApplyService.class);
    private static final Object ONE_AT_A_TIME = new Object();

    /** What came of an apply: the plan, and the result when it was applied (null for a dry run or problems). */
    public record Outcome(Plan plan, boolean dryRun, Applier.Result result) {}

    private final ConnectService connect;
    private final ApplyTarget target;

    public ApplyService(ConnectService connect, ApplyTarget target) {
        this.connect = connect;
        this.target = target;
    }

    /** The service on the worker's own cluster: its connectors, its Kafka cluster, inventories on its apply topic. */
    public static ApplyService of(ConnectService connect) {
        WorkerConfig config = connect.workerConfig();
        InventoryStore inventories = new KafkaInventoryStore(
                config.getString(WorkerConfig.APPLY_TOPIC),
                config.groupId(),
                config.getShort(WorkerConfig.APPLY_RF),
                connect.admin(),
                config.clientConfig("producer"),
                config.clientConfig("consumer"));
        return new ApplyService(connect, new ClusterTarget(connect, connect.admin(), inventories));
    }

    public Map<String, Inventory> inventories() {
        return target.read(new DesiredState(List.of(), List.of())).inventories();
    }

    /**
     * @param force take over connectors another set manages or that were created by hand, and prune topics that
     *     still hold records; without it each is a problem of the plan
     */
    public Outcome apply(List<JsonNode> documents, String set, boolean prune, boolean force, boolean dryRun) {
        if (set == null || !set.matches("[A-Za-z0-9._-]{1,100}")) {
            throw RestException.badRequest("The apply set name '" + set + "' may only hold letters, digits, '.', '_'"
                    + " and '-' (at most 100)");
        }
        DesiredState desired = Documents.parse(documents);
        synchronized (ONE_AT_A_TIME) {
            ActualState actual = target.read(desired);
            Plan plan = Planner.plan(desired, actual, set, prune, force, connect::secretKeys);
            plan = plan.withProblems(validate(plan));
            if (dryRun || !plan.problems().isEmpty()) {
                return new Outcome(plan, dryRun, null);
            }
            Applier.Result result =
                    Applier.apply(plan, actual, target, step -> log.info("apply set {}: {}", set, step));
            if (!result.ok()) {
                log.warn("apply set {}: {}", set, result.error());
            }
            return new Outcome(plan, false, result);
        }
    }

    /** The connector configs the plan writes, validated as the REST API validates them; one problem per error. */
    private List<String> validate(Plan plan) {
        List<String> problems = new ArrayList<>();
        for (Plan.Step step : plan.steps()) {
            if (!(step instanceof Plan.PutConnector put)) {
                continue;
            }
            try {
                ConfigInfos infos = connect.validator().validate(put.config());
                for (ConfigInfos.ConfigInfo info : infos.configs()) {
                    for (String error : info.value().errors()) {
                        problems.add("connector '" + put.name() + "': "
                                + info.value().name() + ": " + error);
                    }
                }
            } catch (RestException e) {
                problems.add("connector '" + put.name() + "': " + e.getMessage());
            }
        }
        return problems;
    }
}
