package io.vertebra.runtime.apply;

import java.util.Map;

/** Where each apply set's {@link Inventory} lives. Reads see every write made before them, on any worker. */
public interface InventoryStore {
    /** Every set's inventory, by set name. */
    Map<String, Inventory> readAll();

    /** Replaces the set's inventory (an empty one removes it); durable when it returns. */
    void write(String set, Inventory inventory);
}
