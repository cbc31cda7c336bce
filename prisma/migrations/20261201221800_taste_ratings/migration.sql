-- CreateTable
CREATE TABLE "Rating" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "modelId" VARCHAR(64) NOT NULL,
    "checkpoint" INTEGER NOT NULL,
    "latent" DOUBLE PRECISION[],
    "latentHash" CHAR(64) NOT NULL,
    "liked" BOOLEAN NOT NULL,
    "steered" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Rating_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Rating_userId_modelId_updatedAt_idx" ON "Rating"("userId", "modelId", "updatedAt" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "Rating_userId_modelId_latentHash_key" ON "Rating"("userId", "modelId", "latentHash");

-- AddForeignKey
ALTER TABLE "Rating" ADD CONSTRAINT "Rating_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;


