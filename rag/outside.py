"""Other AWS services, so that a question about one of them is recognised as out of scope.

Exam questions about services a guide does not teach ("Which AWS service converts call
recordings to text?") share vocabulary with an ML guide and reach a "which service?"
decision anyway; measured on our suites, relevance and decision scores alone refused only
15 of 20 of them. What tells them apart is that the question's task sounds like what
*another* service does. So each service below carries one-line descriptions of the tasks
it is the exam answer for (written from AWS's public product descriptions, not from any
question), and a which-service question whose situation is closer to one of these than
to any statement of the guide is refused.

A service the corpus itself teaches (its own section, or the target of one of its "signal
-> service" statements) is dropped at load time (:func:`prototypes`): if a guide teaches
Amazon Comprehend, Comprehend questions are its questions. A mere mention ("export the
flow to Amazon Redshift") does not count: the guide still does not teach Redshift.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

SERVICES: dict[str, tuple[str, ...]] = {
    # AI services (pre-trained, no model building)
    "Amazon Comprehend": (
        "detect sentiment, entities, key phrases and the language of text such as customer reviews, emails and social media posts",
        "natural language processing to classify documents and find personal information in text",
    ),
    "Amazon Comprehend Medical": ("extract medical conditions, medications and dosages from clinical notes",),
    "Amazon Textract": (
        "extract printed and handwritten text, forms and tables from scanned documents, invoices and PDFs (OCR)",
    ),
    "Amazon Transcribe": (
        "convert speech in audio recordings and phone calls to text; automatic speech recognition and call transcripts",
    ),
    "Amazon Polly": ("turn written text into lifelike spoken audio; text-to-speech voices for an application",),
    "Amazon Translate": ("translate text between languages, such as product descriptions or support tickets into Spanish",),
    "Amazon Lex": ("build a conversational chatbot or voice bot with speech and text intents for a contact center",),
    "Amazon Kendra": ("intelligent enterprise search over company documents with natural language questions",),
    "Amazon Personalize": ("real-time personalized product recommendations for users of a website without ML expertise",),
    "Amazon Forecast": ("managed time-series forecasting of demand without building models",),
    "Amazon Fraud Detector": ("detect online payment fraud and fake account sign-ups with a managed fraud service",),
    "Amazon Connect": ("cloud contact center for customer phone calls and agents",),
    "Amazon Q": ("generative AI assistant for employees and developers that answers questions about business data and code",),
    "Amazon CodeWhisperer": ("AI coding companion that suggests code in the IDE",),
    "Amazon Augmented AI": ("human review workflow for low-confidence predictions of a deployed model (A2I)",),
    "Amazon Rekognition": (
        "identify objects, faces, celebrities and unsafe content in images and videos with pre-trained computer vision",
    ),
    # Analytics and data
    "Amazon Redshift": ("petabyte-scale cloud data warehouse for SQL analytics and reporting",),
    "Amazon Athena": ("run interactive serverless SQL queries directly on files in Amazon S3",),
    "AWS Glue": (
        "serverless ETL jobs and a data catalog; crawlers discover schemas of data in a data lake",
    ),
    "Amazon EMR": ("run Apache Spark and Hadoop big data clusters",),
    "Amazon Kinesis": ("ingest and process real-time streaming data such as clickstreams and IoT telemetry",),
    "Amazon Managed Streaming for Apache Kafka": ("managed Apache Kafka clusters for event streaming",),
    "Amazon QuickSight": ("business intelligence dashboards and visualizations for business users",),
    "Amazon OpenSearch Service": ("search and log analytics with OpenSearch or Elasticsearch; vector search engine",),
    "AWS Lake Formation": ("build and govern a secure data lake with fine-grained access permissions",),
    "AWS Data Exchange": ("find and subscribe to third-party data sets",),
    # Compute and containers
    "Amazon EC2": ("rent virtual servers and choose instance types for general workloads",),
    "AWS Lambda": ("run code without servers in response to events, paying per invocation; serverless functions",),
    "Amazon EKS": ("managed Kubernetes clusters for containers",),
    "Amazon ECS": ("run and orchestrate Docker containers; container orchestration with Fargate",),
    "AWS Elastic Beanstalk": ("deploy a web application without managing infrastructure",),
    "Amazon ECR": ("store, share and version Docker container images in a private registry",),
    "AWS Batch": ("run batch computing jobs on managed compute clusters",),
    "AWS Outposts": ("run AWS infrastructure on premises in your own data center",),
    # Storage and databases
    "Amazon S3 Glacier": ("low-cost archival storage for data kept for years and rarely accessed",),
    "Amazon EBS": ("block storage volumes attached to EC2 instances",),
    "Amazon DynamoDB": ("serverless NoSQL key-value database with single-digit millisecond reads",),
    "Amazon RDS": ("managed relational databases such as MySQL and PostgreSQL",),
    "Amazon Aurora": ("high-performance MySQL- and PostgreSQL-compatible relational database",),
    "Amazon ElastiCache": ("in-memory cache with Redis or Memcached",),
    "Amazon Neptune": ("graph database for highly connected data",),
    "AWS Storage Gateway": ("connect on-premises applications to cloud storage",),
    "AWS Snowball": ("physically ship petabytes of data to AWS on a device",),
    "AWS DataSync": ("copy large amounts of data between on-premises storage and AWS",),
    "AWS Database Migration Service": ("migrate a database to AWS with minimal downtime",),
    # Networking and delivery
    "Amazon CloudFront": ("content delivery network that caches static content close to users worldwide",),
    "Amazon Route 53": ("DNS service and domain name registration; route users to endpoints",),
    "Amazon VPC": ("isolated virtual network with subnets and security groups",),
    "AWS Direct Connect": ("dedicated private network connection from an on-premises data center to AWS",),
    "Elastic Load Balancing": ("distribute incoming traffic across multiple servers",),
    "Amazon API Gateway": ("create, publish and secure REST APIs for applications",),
    # Integration
    "Amazon SNS": ("send push notifications, SMS text messages and emails to subscribers",),
    "Amazon SQS": ("message queue that decouples application components",),
    "AWS Step Functions": ("orchestrate serverless workflows of Lambda functions as a state machine",),
    "Amazon EventBridge": ("route events between applications on an event bus; schedule rules",),
    "Amazon Simple Email Service": ("send marketing and transactional emails",),
    # Security, identity, compliance
    "AWS IAM": ("manage users, roles and permissions; least-privilege access policies for AWS resources",),
    "AWS KMS": ("create and manage encryption keys used to encrypt data at rest",),
    "AWS Secrets Manager": ("store and rotate database passwords and API credentials",),
    "Amazon Macie": ("discover sensitive data and personally identifiable information stored in Amazon S3 buckets",),
    "Amazon GuardDuty": ("threat detection that monitors accounts for malicious activity and compromised credentials",),
    "Amazon Inspector": ("scan workloads and container images for software vulnerabilities",),
    "AWS Shield": ("protect applications against DDoS attacks",),
    "AWS WAF": ("web application firewall that blocks SQL injection and cross-site scripting",),
    "AWS Artifact": ("download AWS compliance reports such as SOC and ISO certifications",),
    "AWS Audit Manager": ("continuously collect evidence for compliance audits",),
    "Amazon Cognito": ("sign-up and sign-in for users of web and mobile apps",),
    "AWS Certificate Manager": ("provision TLS/SSL certificates",),
    # Management and governance
    "AWS CloudTrail": ("record API calls and account activity; audit who did what and when in an AWS account",),
    "AWS Config": ("track resource configuration changes and evaluate compliance rules",),
    "AWS Trusted Advisor": ("best-practice checks and recommendations for cost, security and service limits",),
    "AWS Cost Explorer": ("visualize and analyze AWS spending over time",),
    "AWS Budgets": ("set cost budgets and get alerts when spending exceeds them",),
    "AWS Organizations": ("manage multiple AWS accounts with consolidated billing and policies",),
    "AWS CloudFormation": ("infrastructure as code templates that provision AWS resources",),
    "AWS Systems Manager": ("patch and manage fleets of servers",),
    "AWS Well-Architected Tool": ("review workloads against architecture best practices",),
    # Developer tools, end-user apps, IoT, media
    "AWS CodeCommit": ("host private Git repositories",),
    "AWS Amplify": ("front-end developers build full-stack web and mobile apps with authentication, storage and GraphQL APIs",),
    "Amazon WorkSpaces": ("virtual desktops for employees",),
    "AWS IoT Core": ("connect IoT devices and sensors to the cloud with MQTT",),
    "AWS Elemental MediaConvert": ("transcode video files for playback on many devices",),
    "Amazon Chime": ("online meetings and video calls",),
}


@dataclass(frozen=True)
class Prototype:
    service: str
    text: str


def _core(name: str) -> str:
    return re.sub(r"^(?:Amazon|AWS)\s+", "", name).strip().lower()


def prototypes(taught: set[str] | frozenset[str]) -> list[Prototype]:
    """Task descriptions of the services above, less those the corpus teaches (``taught``:
    service names, with or without their Amazon/AWS prefix)."""
    skip = {_core(n) for n in taught}
    return [Prototype(name, t) for name, tasks in SERVICES.items() if _core(name) not in skip for t in tasks]


def closest(prototype_vecs: np.ndarray, protos: list[Prototype], qvec: np.ndarray) -> tuple[float, Prototype | None]:
    """The outside service whose task description is nearest to the question (cosine)."""
    if not protos:
        return 0.0, None
    sims = prototype_vecs @ qvec
    i = int(np.argmax(sims))
    return float(sims[i]), protos[i]
