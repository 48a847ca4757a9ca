import type { Agency } from "../../entities/agency.entity.js";
import type { Category } from "../../entities/category.entity.js";

export const presentAgency = (a: Agency) => ({
  id: a.id,
  code: a.code,
  name: a.name,
  shortName: a.shortName,
  headUserId: a.headUserId,
  email: a.email,
  active: a.active,
  answerReview: a.answerReview,
  createdAt: a.createdAt,
  updatedAt: a.updatedAt,
});

export const presentCategory = (c: Category) => ({
  id: c.id,
  code: c.code,
  name: c.name,
  nameEn: c.nameEn,
  description: c.description,
  defaultAgencyId: c.defaultAgencyId,
  complaintClass: c.complaintClass,
  isPublic: c.isPublic,
  active: c.active,
  answerReview: c.answerReview,
  fieldCheck: c.fieldCheck,
  fieldCheckerUserId: c.fieldCheckerUserId ?? null,
  autoForwardThreshold: c.autoForwardThreshold ?? null,
  createdAt: c.createdAt,
  updatedAt: c.updatedAt,
});
