import { Column, PrimaryGeneratedColumn, type ColumnOptions } from "typeorm";

/** Explicit column types everywhere: tsx/esbuild emit no decorator metadata. */
export const IdColumn = () => PrimaryGeneratedColumn({ type: "integer" });
export const IntColumn = (name: string, opts: ColumnOptions = {}) => Column({ type: "integer", name, ...opts });
export const StrColumn = (name: string, length: number, opts: ColumnOptions = {}) => Column({ type: "varchar", length, name, ...opts });
export const TextColumn = (name: string, opts: ColumnOptions = {}) => Column({ type: "text", name, ...opts });
export const BoolColumn = (name: string, opts: ColumnOptions = {}) => Column({ type: "boolean", name, ...opts });
export const TimeColumn = (name: string, opts: ColumnOptions = {}) => Column({ type: "datetime", precision: 3, name, ...opts });
/** Set by commands from the app clock (controllable in tests), never by the database. */
export const CreatedColumn = () => Column({ type: "datetime", precision: 3, name: "created_at" });
export const UpdatedColumn = () => Column({ type: "datetime", precision: 3, name: "updated_at" });
