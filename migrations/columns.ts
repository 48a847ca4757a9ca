import type { QueryRunner, TableColumnOptions } from "typeorm";

/**
 * Column builders for migrations, so one migration class serves SQLite and MySQL/MariaDB:
 * times are datetime(3) in UTC, long texts are mediumtext on MySQL.
 * Never change what a builder emits: landed migrations depend on it.
 */
export function col(qr: QueryRunner) {
  const mysql = qr.connection.driver.options.type === "mysql";
  return {
    id: (): TableColumnOptions => ({ name: "id", type: "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" }),
    int: (name: string, nullable = false, dflt?: string): TableColumnOptions => ({ name, type: "integer", isNullable: nullable, default: dflt }),
    bigint: (name: string, nullable = false): TableColumnOptions => ({ name, type: "bigint", isNullable: nullable }),
    varchar: (name: string, length: number, nullable = false, dflt?: string, primary = false): TableColumnOptions => ({
      name,
      type: "varchar",
      length: String(length),
      isNullable: nullable,
      default: dflt,
      isPrimary: primary,
    }),
    text: (name: string, nullable = false): TableColumnOptions => ({ name, type: "text", isNullable: nullable }),
    longText: (name: string, nullable = false): TableColumnOptions => ({ name, type: mysql ? "mediumtext" : "text", isNullable: nullable }),
    bool: (name: string, dflt?: boolean, nullable = false): TableColumnOptions => ({
      name,
      type: "boolean",
      isNullable: nullable,
      default: dflt === undefined ? undefined : dflt ? "1" : "0",
    }),
    time: (name: string, nullable = false): TableColumnOptions => ({ name, type: "datetime", precision: 3, isNullable: nullable }),
    decimal: (name: string, nullable = false): TableColumnOptions => ({ name, type: "decimal", precision: 10, scale: 7, isNullable: nullable }),
  };
}
