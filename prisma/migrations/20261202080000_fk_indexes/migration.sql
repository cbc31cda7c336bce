-- CreateIndex
CREATE INDEX "Version_authorId_idx" ON "Version"("authorId");

-- CreateIndex
CREATE INDEX "ShareLink_createdById_idx" ON "ShareLink"("createdById");

-- CreateIndex
CREATE INDEX "Publication_versionId_idx" ON "Publication"("versionId");

-- CreateIndex
CREATE INDEX "Publication_authorId_idx" ON "Publication"("authorId");
