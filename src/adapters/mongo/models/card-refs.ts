import { Schema } from 'mongoose';

/** card_refs: per card ref (task:…, order:…), its live copies; see ../card-refs.ts. */
export const CARD_REF_SCHEMA_VERSION = 1;

export interface CardRefDoc {
  _id: string;
  copies: { messageId: string; view: string }[];
  schemaVersion?: number;
}
export const cardRefSchema = new Schema(
  {
    _id: { type: String, required: true },
    copies: { type: [Schema.Types.Mixed], default: [] },
    schemaVersion: { type: Number, default: CARD_REF_SCHEMA_VERSION },
  },
  { collection: 'card_refs', versionKey: false },
);
