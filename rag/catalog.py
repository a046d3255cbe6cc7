"""The services a guide talks about, found in the guide itself, plus well-known AWS names.

Used to notice which services a question, an option or a model's sentence names, and to
check each such name against the cited passages. Built from the corpus, so a new guide
brings its own services; the outside list only helps spot distractors the guide never names.

>>> cat = Catalog.from_texts(["Amazon SageMaker Canvas is a no-code UI."], ["Serverless Inference"])
>>> [s.name for s in cat.find("Use SageMaker Canvas or serverless inference")]
['Amazon SageMaker Canvas', 'Serverless Inference']
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

NAME_RE = re.compile(
    r"\b(?:Amazon|AWS)(?:\s+(?:[A-Z][\w\-]*|AI|ML)(?![\w\-]))+"
)
# Words that end a product name in running text ("Amazon SageMaker Studio Lab" is fine,
# "Amazon SageMaker Canvas UI" is not a different product).
TRAILING_NOISE = {"UI", "API", "Console", "Platform", "Station", "Key", "AI", "ML", "The"}
GENERIC_CORES = {"", "sagemaker", "platform", "ai", "sagemaker ai", "sagemaker platform", "certified ai practitioner",
                 "data", "inference option"}
GENERIC_SINGLE = {"pipelines", "pipeline", "endpoints", "endpoint", "training", "inference", "jobs", "studio lab"}

# Well-known AWS services that exam items use as distractors (not taken from any eval file).
OUTSIDE = [
    "Amazon Rekognition", "Amazon Comprehend", "Amazon Comprehend Medical", "Amazon QuickSight",
    "Amazon Textract", "Amazon Lex", "Amazon Polly", "Amazon Transcribe", "Amazon Translate",
    "Amazon Kendra", "Amazon Personalize", "Amazon Forecast", "Amazon Fraud Detector", "AWS Glue",
    "AWS Glue DataBrew", "Amazon EMR", "Amazon Athena", "Amazon Redshift", "AWS Lambda", "Amazon EC2",
    "Amazon EC2 Auto Scaling", "Amazon CloudWatch", "AWS CloudTrail", "AWS Config", "Amazon Macie",
    "Amazon GuardDuty", "Amazon Inspector", "Amazon Kinesis", "Amazon DynamoDB", "Amazon S3",
    "AWS Step Functions", "Amazon Q", "Amazon Q Business", "Amazon Q Developer", "Amazon Augmented AI",
    "Amazon Mechanical Turk", "AWS Inferentia", "AWS Trainium", "AWS Batch", "Amazon ECS", "Amazon EKS",
    "AWS Fargate", "Amazon OpenSearch Service", "Amazon Aurora", "Amazon RDS", "AWS CodePipeline",
    "AWS CodeBuild", "AWS CodeDeploy", "AWS CodeCommit", "Amazon SNS", "Amazon SQS",
    "Amazon EventBridge", "AWS IAM", "AWS KMS", "AWS Lake Formation", "Amazon DataZone",
    "AWS Elastic Beanstalk", "Amazon Lookout for Vision", "Amazon Lookout for Equipment",
    "AWS HealthLake", "Amazon Titan", "Amazon CodeWhisperer", "Amazon Bedrock",
    "Amazon Bedrock Knowledge Bases", "Amazon Bedrock Agents", "Amazon Bedrock Guardrails",
    "AWS DeepRacer", "Amazon SageMaker Clarify", "Amazon SageMaker Experiments", "AWS Marketplace",
    "Amazon SageMaker Studio Lab", "Amazon SageMaker Edge Manager", "Amazon SageMaker Neo",
    "Amazon SageMaker Debugger", "Amazon SageMaker Processing", "Amazon SageMaker Role Manager",
    "Amazon SageMaker Model Cards", "Amazon SageMaker Model Dashboard", "Amazon SageMaker Ground Truth Plus",
]


def core_of(name: str) -> str:
    """'Amazon SageMaker Multi-Model Endpoints (MME)' -> 'multi-model endpoint'."""
    s = re.sub(r"\(.*?\)", " ", name)
    s = re.sub(r"^\s*(?:amazon|aws)\s+", "", s, flags=re.I)
    s = re.sub(r"^\s*sagemaker\s+", "", s, flags=re.I)
    words = [w.lower() for w in re.findall(r"[\w\-]+", s)]
    words = [w[:-1] if len(w) > 4 and w.endswith("s") and not w.endswith("ss") else w for w in words]
    return " ".join(words)


@dataclass
class Service:
    name: str  # display name, the fullest form seen
    core: str  # normalised matching key
    in_guide: bool
    aliases: set[str] = field(default_factory=set)

    @property
    def generic(self) -> bool:
        return self.core in GENERIC_CORES


class Catalog:
    def __init__(self, services: list[Service]) -> None:
        self.services = services
        self.by_core = {s.core: s for s in services}
        pats = []
        for s in services:
            for a in sorted(s.aliases, key=len, reverse=True):
                pats.append((a, s))
        pats.sort(key=lambda p: len(p[0]), reverse=True)
        self._alias_of = {a.lower(): s for a, s in pats}
        alt = "|".join(re.escape(a) for a, _ in pats)
        # Plural/singular tolerant: "endpoint(s)", "job(s)".
        self._re = re.compile(rf"(?<![\w\-])(?:{alt})s?(?![\w\-])", re.I) if pats else None

    @classmethod
    def from_texts(cls, texts: list[str], headings: list[str]) -> "Catalog":
        found: dict[str, Service] = {}

        def add(name: str, in_guide: bool) -> None:
            name = re.sub(r"\s+", " ", name).strip(" .,;:")
            core = core_of(name)
            if not core or len(core) < 2:
                return
            svc = found.get(core)
            if svc is None:
                svc = found[core] = Service(name, core, in_guide)
            elif len(name) > len(svc.name) and name.lower().startswith(("amazon", "aws")):
                svc.name = name
            svc.in_guide = svc.in_guide or in_guide
            svc.aliases |= _aliases(name, core)

        for text in texts:
            for m in NAME_RE.finditer(text):
                # "Amazon SageMaker Platform Amazon Bedrock" is two names side by side.
                for part in re.split(r"\s+(?=(?:Amazon|AWS)\s)", m.group(0)):
                    words = re.sub(r"-side$", "", part).split()
                    while len(words) > 2 and words[-1] in TRAILING_NOISE:
                        words.pop()
                    if len(words) >= 2:
                        add(" ".join(words), True)
        lowered = [t.lower() for t in texts]
        for h in headings:
            base = re.split(r"\s+[—–]\s+|\s+-\s+", h)[0]
            for side in re.split(r"\s+vs\.?\s+|\s+and\s+", base):
                side = re.sub(r"\(.*?\)", "", side).strip()
                if not (1 <= len(side.split()) <= 5) or side.endswith("?") or not side[:1].isupper():
                    continue
                # A heading names a concept when the text keeps using it ("Batch Transform"),
                # not when it only labels a part of the page ("Analogy 1", "Summary").
                if core_of(side) in found or sum(side.lower() in t for t in lowered) >= 2:
                    add(side, True)
        for name in OUTSIDE:
            add(name, core_of(name) in found and found[core_of(name)].in_guide)
        return cls(list(found.values()))

    def find(self, text: str) -> list[Service]:
        """Services named in ``text``, in order of first mention, longest match wins."""
        if not self._re:
            return []
        out: list[Service] = []
        for m in self._re.finditer(text):
            s = self._lookup(m.group(0))
            if s is not None and s not in out:
                out.append(s)
        return out

    def spans(self, text: str) -> list[tuple[int, int, Service]]:
        out = []
        for m in self._re.finditer(text) if self._re else []:
            s = self._lookup(m.group(0))
            if s is not None:
                out.append((m.start(), m.end(), s))
        return out

    def _lookup(self, matched: str) -> Service | None:
        key = matched.lower()
        return self._alias_of.get(key) or self._alias_of.get(key[:-1])

    def get(self, name: str) -> Service | None:
        return self.by_core.get(core_of(name))


def _aliases(name: str, core: str) -> set[str]:
    out = {name}
    stripped = re.sub(r"\(.*?\)", "", name).strip()
    out.add(stripped)
    no_vendor = re.sub(r"^(?:Amazon|AWS)\s+", "", stripped)
    out.add(no_vendor)
    no_sm = re.sub(r"^SageMaker\s+", "", no_vendor)
    if no_sm != no_vendor:
        out.add("SageMaker " + no_sm)
        out.add("Amazon SageMaker " + no_sm)
    if no_sm.endswith("s") and len(no_sm.split()[-1]) > 4:
        out.add(no_sm[:-1])  # "Real-time endpoints" also matches "real-time endpoint"
        if no_sm != no_vendor:
            out.add("SageMaker " + no_sm[:-1])
    if no_sm and core not in GENERIC_SINGLE and core not in GENERIC_CORES and (
        len(no_sm.split()) >= 2 or no_sm[:1].isupper() and no_sm.lower() not in _COMMON
    ):
        out.add(no_sm)
    return {a for a in out if a and a.lower() not in _COMMON}


_COMMON = {"sagemaker", "amazon", "aws", "on-demand", "summary", "ai", "ml", "q", "config",
           "batch", "inspector", "glue", "translate", "forecast", "lambda", "athena", "pipelines", "pipeline", "data",
           "platform"}
