-- Deleting a user no longer deletes what they added to other people's artworks: their versions,
-- ops and gallery entries stay, with the author set to null and the name kept (a former member).
-- Share links they made stay with the artwork. See the note at the top of schema.prisma.

-- DropForeignKey
ALTER TABLE "Op" DROP CONSTRAINT "Op_authorId_fkey";

-- DropForeignKey
ALTER TABLE "Publication" DROP CONSTRAINT "Publication_authorId_fkey";

-- DropForeignKey
ALTER TABLE "ShareLink" DROP CONSTRAINT "ShareLink_createdById_fkey";

-- DropForeignKey
ALTER TABLE "Version" DROP CONSTRAINT "Version_authorId_fkey";

-- AlterTable
ALTER TABLE "Op" ADD COLUMN     "authorName" TEXT,
ALTER COLUMN "authorId" DROP NOT NULL;

-- AlterTable
ALTER TABLE "Publication" ADD COLUMN     "authorName" TEXT,
ALTER COLUMN "authorId" DROP NOT NULL;

-- AlterTable
ALTER TABLE "ShareLink" ALTER COLUMN "createdById" DROP NOT NULL;

-- AlterTable
ALTER TABLE "Version" ADD COLUMN     "authorName" TEXT,
ALTER COLUMN "authorId" DROP NOT NULL;

-- AddForeignKey
ALTER TABLE "Version" ADD CONSTRAINT "Version_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Op" ADD CONSTRAINT "Op_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ShareLink" ADD CONSTRAINT "ShareLink_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Publication" ADD CONSTRAINT "Publication_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;



-- Before a user row goes (and the foreign keys above set its authorship to null), keep the name
-- on what they authored, and take their likes (which go with them) off the pieces' like counts.
CREATE FUNCTION "ganvas_keep_former_member"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "Version" SET "authorName" = OLD."name" WHERE "authorId" = OLD."id";
  UPDATE "Op" SET "authorName" = OLD."name" WHERE "authorId" = OLD."id";
  UPDATE "Publication" SET "authorName" = OLD."name" WHERE "authorId" = OLD."id";
  UPDATE "Publication" p SET "likeCount" = GREATEST(0, p."likeCount" - 1)
    FROM "Like" l WHERE l."userId" = OLD."id" AND l."publicationId" = p."id";
  RETURN OLD;
END
$$;

CREATE TRIGGER "User_keep_former_member" BEFORE DELETE ON "User"
  FOR EACH ROW EXECUTE FUNCTION "ganvas_keep_former_member"();
