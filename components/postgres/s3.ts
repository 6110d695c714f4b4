/**
 * The off-site copy on AWS: a private, versioned, encrypted, TLS-only S3 bucket
 * with lifecycle expiry and optional Object Lock, and an IAM role the cluster's
 * service account assumes through IRSA, allowed only on this cluster's prefix.
 */
import type * as aws from "@pulumi/aws";
import { loadAws } from "../lib/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { ResolvedPostgresClusterArgs } from "./args";
import { applyTransform as apply, type Transform } from "../lib/transform";

/** Escape hatches of the S3 backup bucket and its IAM role, one per child. */
export interface S3Transforms {
  /** The S3 bucket. */
  readonly bucket?: Transform<aws.s3.BucketArgs>;
  /** The bucket's lifecycle configuration. */
  readonly lifecycle?: Transform<aws.s3.BucketLifecycleConfigurationArgs>;
  /** The IAM role the cluster's service account assumes (IRSA). */
  readonly role?: Transform<aws.iam.RoleArgs>;
  /** The IAM role's inline policy (objects under the cluster's prefix). */
  readonly rolePolicy?: Transform<aws.iam.RolePolicyArgs>;
}

/** The S3 bucket (versioned, encrypted, TLS-only, lifecycle) and the IRSA role {@link PostgresCluster} creates when `objectStore.kind` is "s3". */
export interface S3Backups {
  /** The S3 bucket (protected while `deletionProtection` is on). */
  readonly bucket: aws.s3.Bucket;
  /** Bucket versioning, enabled. */
  readonly versioning: aws.s3.BucketVersioning;
  /** Server-side encryption by default (SSE-S3, AES256). */
  readonly encryption: aws.s3.BucketServerSideEncryptionConfiguration;
  /** Every public access blocked. */
  readonly publicAccessBlock: aws.s3.BucketPublicAccessBlock;
  /** Bucket policy denying requests without TLS. */
  readonly policy: aws.s3.BucketPolicy;
  /** Lifecycle rules: noncurrent versions, expired delete markers, incomplete uploads. */
  readonly lifecycle: aws.s3.BucketLifecycleConfiguration;
  /** Object Lock (GOVERNANCE, `retentionDays`); undefined unless `backup.objectLock`. */
  readonly objectLock?: aws.s3.BucketObjectLockConfiguration;
  /** IAM role the clusters' service accounts assume through IRSA. */
  readonly role: aws.iam.Role;
  /** The role's inline policy: objects under the cluster's prefix only. */
  readonly rolePolicy: aws.iam.RolePolicy;
}

/** IRSA trust: web identity of the clusters' service accounts (CloudNativePG names them after the Cluster). */
export function trustPolicy(a: ResolvedPostgresClusterArgs): string {
  if (a.objectStore.kind !== "s3") throw new Error("trustPolicy needs an s3 object store");
  const url = a.objectStore.oidcProviderUrl;
  const subjects = a.coveredClusters.map((c) => `system:serviceaccount:${a.namespace}:${c}`);
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Federated: a.objectStore.oidcProviderArn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: { StringEquals: { [`${url}:sub`]: subjects.length === 1 ? subjects[0] : subjects, [`${url}:aud`]: "sts.amazonaws.com" } },
      },
    ],
  });
}

/** Least privilege: objects under this cluster's prefix only; listing limited to that prefix. */
export function accessPolicy(bucket: string, clusterPrefix: string): string {
  const arn = `arn:aws:s3:::${bucket}`;
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Sid: "ObjectsUnderClusterPrefix", Effect: "Allow", Action: ["s3:PutObject", "s3:GetObject", "s3:DeleteObject"], Resource: `${arn}/${clusterPrefix}/*` },
      { Sid: "ListClusterPrefix", Effect: "Allow", Action: "s3:ListBucket", Resource: arn, Condition: { StringLike: { "s3:prefix": [clusterPrefix, `${clusterPrefix}/*`] } } },
      // barman-cloud starts with HeadBucket, which IAM authorizes as s3:ListBucket without a prefix.
      { Sid: "HeadBucket", Effect: "Allow", Action: "s3:ListBucket", Resource: arn, Condition: { Null: { "s3:prefix": "true" } } },
      { Sid: "BucketLocation", Effect: "Allow", Action: "s3:GetBucketLocation", Resource: arn },
    ],
  });
}

/** Deny every request that does not use TLS. */
export function tlsOnlyPolicy(bucket: string): string {
  const arn = `arn:aws:s3:::${bucket}`;
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [arn, `${arn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ],
  });
}

/**
 * The bucket's lifecycle rules. Current versions never expire by age: Barman keeps the
 * newest backup completed before the recovery window's start plus its WAL, which can be
 * any age (a weekly schedule, a backup outage), and its own retention (the ObjectStore's
 * retentionPolicy) deletes what the window no longer needs. Lifecycle only cleans up after
 * it: the versions Barman deleted (noncurrent, kept `lifecycleMarginDays` for an undo;
 * Object Lock keeps them at least `retentionDays` in prod), their delete markers, and
 * multipart uploads that never completed. Retired restore generations stay until removed
 * by hand (docs/runbooks/postgres-restore.md, step 7).
 */
export function lifecycleRules(a: ResolvedPostgresClusterArgs): aws.types.input.s3.BucketLifecycleConfigurationRule[] {
  return [
    { id: "expire-noncurrent-versions", status: "Enabled", filter: {}, noncurrentVersionExpiration: { noncurrentDays: a.lifecycleMarginDays } },
    { id: "remove-expired-delete-markers", status: "Enabled", filter: {}, expiration: { expiredObjectDeleteMarker: true } },
    { id: "abort-incomplete-uploads", status: "Enabled", filter: {}, abortIncompleteMultipartUpload: { daysAfterInitiation: 2 } },
  ];
}

/** Creates the bucket and the IRSA role as children of `parent`. */
export function createS3Backups(name: string, a: ResolvedPostgresClusterArgs, parent: pulumi.Resource, t: S3Transforms = {}): S3Backups {
  const sdk = loadAws();
  const l = a.layout;
  const opts = { parent };
  const bucketName = l.bucket;
  const bucket = new sdk.s3.Bucket(
    `${name}-bucket`,
    apply(t.bucket, { bucket: bucketName, forceDestroy: false, objectLockEnabled: a.objectLock, tags: { "platform:purpose": "postgres-backups", "platform:cluster": a.baseName } }),
    { parent, protect: a.deletionProtection },
  );
  const versioning = new sdk.s3.BucketVersioning(`${name}-bucket-versioning`, { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } }, opts);
  const encryption = new sdk.s3.BucketServerSideEncryptionConfiguration(
    `${name}-bucket-encryption`,
    { bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
    opts,
  );
  const publicAccessBlock = new sdk.s3.BucketPublicAccessBlock(
    `${name}-bucket-public-access-block`,
    { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
    opts,
  );
  const policy = new sdk.s3.BucketPolicy(`${name}-bucket-policy`, { bucket: bucket.id, policy: bucket.bucket.apply(tlsOnlyPolicy) }, { parent, dependsOn: [publicAccessBlock] });
  const lifecycle = new sdk.s3.BucketLifecycleConfiguration(
    `${name}-bucket-lifecycle`,
    apply(t.lifecycle, { bucket: bucket.id, rules: lifecycleRules(a) }),
    { parent, dependsOn: [versioning] },
  );
  const objectLock = a.objectLock
    ? new sdk.s3.BucketObjectLockConfiguration(
        `${name}-bucket-object-lock`,
        { bucket: bucket.id, objectLockEnabled: "Enabled", rule: { defaultRetention: { mode: "GOVERNANCE", days: l.retentionDays } } },
        { parent, dependsOn: [versioning] },
      )
    : undefined;
  const roleName = `platform-${a.instance}-${a.baseName}-backup`.slice(0, 64);
  const role = new sdk.iam.Role(
    `${name}-backup-role`,
    apply(t.role, { name: roleName, description: `Barman Cloud backups of PostgreSQL ${a.namespace}/${a.baseName}`, assumeRolePolicy: trustPolicy(a), maxSessionDuration: 3600 }),
    opts,
  );
  const rolePolicy = new sdk.iam.RolePolicy(
    `${name}-backup-role-policy`,
    apply(t.rolePolicy, { name: "postgres-backups", role: role.id, policy: bucket.bucket.apply((b) => accessPolicy(b, l.clusterPrefix)) }),
    opts,
  );
  return { bucket, versioning, encryption, publicAccessBlock, policy, lifecycle, objectLock, role, rolePolicy };
}
