/** Baseline for bench/render: loads the Pulumi SDKs the program uses, and nothing else. */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";

// Touch each module so lazy loaders run as they would in the program.
void [aws.s3.Bucket, k8s.apps.v1.Deployment, k8s.helm.v3.Release, pulumi.ComponentResource, random.RandomPassword];
