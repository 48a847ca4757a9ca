import { Table, TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from "typeorm";
import { col } from "./columns.js";

/**
 * Routing suggestions (issue 19, item 2): the trained category/OPD models (JSON, never leaves the
 * server), and per category the confidence above which a verified ticket is forwarded without a
 * person (null: never, the default).
 */
export class RoutingModels1764950000000 implements MigrationInterface {
  name = "RoutingModels1764950000000";

  async up(qr: QueryRunner): Promise<void> {
    const c = col(qr);
    await qr.createTable(
      new Table({
        name: "routing_models",
        columns: [
          c.id(),
          c.varchar("source", 16),
          c.int("examples"),
          c.longText("model_json"),
          c.text("evaluation_json", true),
          c.time("trained_at"),
        ],
      }),
    );
    await qr.createIndex("routing_models", new TableIndex({ name: "ix_routing_models_trained", columnNames: ["trained_at"] }));
    await qr.addColumn("categories", new TableColumn(c.decimal("auto_forward_threshold", true)));
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropColumn("categories", "auto_forward_threshold");
    await qr.dropTable("routing_models", true);
  }
}
