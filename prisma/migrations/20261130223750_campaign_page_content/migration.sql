-- AlterTable
ALTER TABLE "campaigns" ADD COLUMN     "image_alt" VARCHAR(200) NOT NULL DEFAULT '',
ADD COLUMN     "image_url" VARCHAR(500),
ADD COLUMN     "monthly_preset_amounts" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
ADD COLUMN     "monthly_preset_impacts" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "preset_impacts" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "story" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "suggest_monthly" BOOLEAN NOT NULL DEFAULT true;
