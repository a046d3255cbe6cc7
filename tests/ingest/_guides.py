"""Guides used by the ingest tests: the headings of the real SageMaker guide, read off the
file by hand, and a second small guide on another topic with its own headings and quirks."""

from __future__ import annotations

# The title line and every standalone heading line of
# data/sagemaker-platform-aif-c01-study-guide.txt, in file order (read by hand).
SAGEMAKER_TITLE = "Amazon SageMaker——訓練、部署與 MLOps"
SAGEMAKER_HEADINGS = [
    "What is the Amazon SageMaker Platform?",
    "Amazon SageMaker vs Amazon SageMaker AI — the 2024 rebrand",
    "Why the Amazon SageMaker platform matters for AIF-C01",
    "白話文解釋 Amazon SageMaker Platform",
    "Analogy 1 — The professional kitchen (廚房)",
    "Analogy 2 — The Swiss Army knife (瑞士刀)",
    "Analogy 3 — The factory assembly line (工地)",
    "Amazon SageMaker Studio — The Unified IDE",
    "Amazon SageMaker Data Wrangler — Visual Data Preparation",
    "Amazon SageMaker Ground Truth — Data Labeling",
    "Amazon SageMaker Feature Store — Shared Feature Repository",
    "Amazon SageMaker Training Jobs — Managed Model Training",
    "On-demand vs Managed Spot Training",
    "Distributed Training",
    "SageMaker Training Compiler",
    "Automatic Model Tuning",
    "Amazon SageMaker JumpStart — Pre-trained Model Hub",
    "Amazon SageMaker Canvas — No-Code ML",
    "Amazon SageMaker Autopilot — AutoML",
    "Amazon SageMaker Pipelines and Model Registry — MLOps",
    "Amazon SageMaker Inference Options — The Four Endpoint Types",
    "Real-time endpoints",
    "Serverless Inference",
    "Asynchronous Inference",
    "Batch Transform",
    "Multi-Model Endpoints (MME)",
    "Multi-Container Endpoints (MCE)",
    "Amazon SageMaker Shadow Testing",
    "Amazon SageMaker Inference Recommender",
    "Amazon SageMaker Model Monitor — Drift Detection",
    "Amazon SageMaker Platform vs Amazon Bedrock — Decision Matrix",
    "Common Amazon SageMaker Platform Exam Traps",
    "Key Numbers and Must-Memorize Amazon SageMaker Facts",
    "Practice-Ready Scenarios — Task 3.1 Mapped Exercises",
    "FAQ — Amazon SageMaker Platform Top 7 Questions",
    "Summary",
]
# A heading with no body: site noise, must not become a section.
SAGEMAKER_EMPTY_HEADINGS = ["Further Reading"]
# Children the guide's layout makes unambiguous (short headings after a "X — Y" heading
# with a one-paragraph introduction).
SAGEMAKER_CHILDREN = {
    "On-demand vs Managed Spot Training": "Amazon SageMaker Training Jobs — Managed Model Training",
    "Distributed Training": "Amazon SageMaker Training Jobs — Managed Model Training",
    "Real-time endpoints": "Amazon SageMaker Inference Options — The Four Endpoint Types",
    "Multi-Container Endpoints (MCE)": "Amazon SageMaker Inference Options — The Four Endpoint Types",
}

# A second guide, other topic and other headings, same conventions: site banner lines, a
# title block, bullets, a trailing and a standalone "Source ↗", a block of consecutive
# "Scenario N:" lines, a numbered FAQ and a recap.
BEDROCK_TITLE = "Amazon Bedrock — Foundation Models as a Service"
BEDROCK_GUIDE = """\
examhub .cc 用最有效率的方法,考取最有價值的認證
Vol. II
本篇導覽 約 15 分鐘

Amazon Bedrock — Foundation Models as a Service

3,200 字 · 約 15 分鐘閱讀

Amazon Bedrock is the fully managed AWS service that gives developers API access to foundation models from Amazon and leading AI companies, with no servers to run and no model weights to host. On the AIF-C01 exam, Bedrock is the answer whenever a scenario wants generative AI without managing infrastructure.

Model Providers

Bedrock hosts models from several providers behind one API and one bill:

  • Anthropic Claude — long-context chat and reasoning.
  • Amazon Titan — text generation and embeddings built by AWS.
  • Stability AI — image generation from text prompts.

Knowledge Bases — Managed RAG

Knowledge Bases for Amazon Bedrock connect a model to your own documents in Amazon S3, chunk and embed them, and retrieve the relevant passages at question time. Source ↗

Chunking Strategies

A knowledge base splits documents with fixed-size, hierarchical or semantic chunking before it embeds them.

Guardrails for Amazon Bedrock

Guardrails filter harmful content, block denied topics and redact personal data in both prompts and responses.

Source ↗

Exam Scenarios

Scenario 1: A bank wants a chatbot that answers from its own policy PDFs. Correct choice: Knowledge Bases for Amazon Bedrock.
Scenario 2: A support team must stop the assistant from giving legal advice. Correct choice: Guardrails for Amazon Bedrock.
Scenario 3: A startup needs steady high-volume traffic at a fixed hourly price. Correct choice: Provisioned Throughput.

Frequently Asked Questions

1. Does Amazon Bedrock use my prompts to train its models?

No. Prompts and responses are not used to train the base models and are not shared with model providers.

2. What is Provisioned Throughput?

A purchase of dedicated model capacity, billed per hour, for predictable high-volume workloads.

3. Can I fine-tune a model in Bedrock?

Yes. Some models support fine-tuning and continued pre-training on your own labeled data in Amazon S3.

Recap

Bedrock is serverless access to foundation models; Knowledge Bases add managed RAG and Guardrails add safety controls.

官方資料來源
"""
BEDROCK_HEADINGS = [
    "Model Providers",
    "Knowledge Bases — Managed RAG",
    "Chunking Strategies",
    "Guardrails for Amazon Bedrock",
    "Exam Scenarios",
    "Frequently Asked Questions",
    "Recap",
]
BEDROCK_FAQ = {
    "Does Amazon Bedrock use my prompts to train its models?":
        "No. Prompts and responses are not used to train the base models and are not shared with model providers.",
    "What is Provisioned Throughput?":
        "A purchase of dedicated model capacity, billed per hour, for predictable high-volume workloads.",
    "Can I fine-tune a model in Bedrock?":
        "Yes. Some models support fine-tuning and continued pre-training on your own labeled data in Amazon S3.",
}

# Three chunks: enough for an index of its own, cheap to embed many times.
TINY_GUIDE = """\
Amazon Bedrock Notes

Amazon Bedrock is the fully managed AWS service that gives developers API access to foundation models from Amazon and leading AI companies, with no servers to run and no model weights to host.

Guardrails

Guardrails filter harmful content, block denied topics and redact personal data in prompts and responses.

Recap

Bedrock is serverless access to foundation models; Guardrails add safety controls.
"""
