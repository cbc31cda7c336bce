-- Older code could leave two live gallery entries for one version. Keep the one publishVersion
-- would pick (most liked, then first published) and take the others down. The rows stay, as for
-- an unpublish, so their likes and links keep their meaning.
UPDATE "Publication" p SET "unpublishedAt" = now()
WHERE p."unpublishedAt" IS NULL
  AND EXISTS (
    SELECT 1 FROM "Publication" q
    WHERE q."versionId" = p."versionId" AND q."unpublishedAt" IS NULL AND q.id <> p.id
      AND (q."likeCount" > p."likeCount"
        OR (q."likeCount" = p."likeCount" AND (q."publishedAt" < p."publishedAt"
          OR (q."publishedAt" = p."publishedAt" AND q.id < p.id))))
  );

-- CreateIndex
CREATE UNIQUE INDEX "Publication_versionId_live_key" ON "Publication"("versionId") WHERE ("unpublishedAt" IS NULL);
