-- AlterTable
ALTER TABLE "pledges" ADD COLUMN     "show_amount" BOOLEAN NOT NULL DEFAULT false;
