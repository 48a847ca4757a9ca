import "reflect-metadata";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { DataSource, type DataSourceOptions } from "typeorm";
import { entities } from "../entities/index.js";
import { migrations } from "../../migrations/index.js";

export interface DataSourceSettings {
  /** mysql://… ; absent = embedded SQLite */
  databaseUrl?: string;
  /** SQLite file (default DATA_DIR/aduan.sqlite); ":memory:" works for throwaway use. */
  sqlitePath?: string;
  dataDir?: string;
  logging?: boolean;
  /** MySQL pool size. */
  poolSize?: number;
}

export function dataSourceOptions(settings: DataSourceSettings): DataSourceOptions {
  const common = { entities, migrations, synchronize: false, migrationsRun: false, logging: settings.logging ?? false } as const;
  if (settings.databaseUrl) {
    return {
      ...common,
      type: "mysql",
      url: settings.databaseUrl,
      // Times are stored in UTC; mysql2 converts JS Dates with this zone.
      timezone: "Z",
      charset: "utf8mb4_unicode_ci",
      supportBigNumbers: true,
      bigNumberStrings: false,
      poolSize: settings.poolSize ?? 10,
      // trace: false — mysql2 otherwise captures a stack trace for every query (seen at about 3%
      // of the ingest benchmark's CPU); a failed query's error still carries its SQL and code.
      extra: { connectionLimit: settings.poolSize ?? 10, waitForConnections: true, trace: false },
    };
  }
  const path = settings.sqlitePath ?? join(settings.dataDir ?? "./data", "aduan.sqlite");
  if (path !== ":memory:") mkdirSync(join(path, ".."), { recursive: true });
  return {
    ...common,
    type: "better-sqlite3",
    database: path,
    enableWAL: true,
    prepareDatabase: (db: { pragma(sql: string): unknown }) => {
      db.pragma("busy_timeout = 10000");
      db.pragma("foreign_keys = ON");
      db.pragma("synchronous = NORMAL");
    },
  };
}

export function createDataSource(settings: DataSourceSettings): DataSource {
  return new DataSource(dataSourceOptions(settings));
}
