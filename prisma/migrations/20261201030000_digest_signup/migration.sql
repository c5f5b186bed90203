-- CreateEnum
CREATE TYPE "DigestStatus" AS ENUM ('pending', 'confirmed', 'unsubscribed');

-- CreateEnum
CREATE TYPE "DigestSource" AS ENUM ('donation_form', 'page', 'widget');

-- AlterTable
ALTER TABLE "email_outbox" ADD COLUMN     "headers" JSONB;

-- CreateTable
CREATE TABLE "digest_subscribers" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "email" VARCHAR(254) NOT NULL,
    "name" VARCHAR(100),
    "status" "DigestStatus" NOT NULL DEFAULT 'pending',
    "source" "DigestSource" NOT NULL,
    "consent_at" TIMESTAMPTZ(3) NOT NULL,
    "consent_ip" VARCHAR(64),
    "confirm_token_hash" VARCHAR(64),
    "confirm_sent_at" TIMESTAMPTZ(3),
    "confirmed_at" TIMESTAMPTZ(3),
    "confirm_ip" VARCHAR(64),
    "unsubscribed_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "digest_subscribers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "digest_consent_events" (
    "id" BIGSERIAL NOT NULL,
    "subscriber_id" UUID NOT NULL,
    "event" VARCHAR(32) NOT NULL,
    "source" "DigestSource",
    "ip" VARCHAR(64),
    "detail" VARCHAR(64),
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "digest_consent_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "digest_subscribers_email_key" ON "digest_subscribers"("email");

-- CreateIndex
CREATE UNIQUE INDEX "digest_subscribers_confirm_token_hash_key" ON "digest_subscribers"("confirm_token_hash");

-- CreateIndex
CREATE INDEX "digest_subscribers_status_confirmed_at_idx" ON "digest_subscribers"("status", "confirmed_at");

-- CreateIndex
CREATE INDEX "digest_consent_events_subscriber_id_at_idx" ON "digest_consent_events"("subscriber_id", "at");

-- AddForeignKey
ALTER TABLE "digest_consent_events" ADD CONSTRAINT "digest_consent_events_subscriber_id_fkey" FOREIGN KEY ("subscriber_id") REFERENCES "digest_subscribers"("id") ON DELETE CASCADE ON UPDATE CASCADE;
