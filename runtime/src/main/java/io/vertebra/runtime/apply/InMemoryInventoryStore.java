package io.vertebra.runtime.apply;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The in-memory twin of {@link KafkaInventoryStore}; keeps every write for tests to inspect. Thread-safe. */
public final class InMemoryInventoryStore implements InventoryStore {
    private final Map<String, Inventory> inventories = new TreeMap<>();
    private final List<String> writes = new ArrayList<>();

    @Override
    public synchronized Map<String, Inventory> readAll() {
        return Map.copyOf(inventories);
    }

    @Override
    public synchronized void write(String set, Inventory inventory) {
        writes.add(set);
        if (inventory.isEmpty()) {
            inventories.remove(set);
        } else {
            inventories.put(set, inventory);
        }
    }

    /** The sets written so far, one entry per write. */
    public synchronized List<String> writes() {
        return List.copyOf(writes);
    }
}
