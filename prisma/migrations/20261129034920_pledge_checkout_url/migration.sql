-- AlterTable
ALTER TABLE "pledges" ADD COLUMN     "checkout_url" VARCHAR(2048);
