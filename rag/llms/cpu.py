"""Which x86 vector features llama.cpp is compiled with here, and whether weight repacking is safe.

A ``-march=native`` build of llama.cpp on a CPU with AMX compiles ggml's AMX kernels, which
crash when weights are repacked into the AMX buffer (llama.cpp issue 20824); and a wheel
built natively on one CPU crashes with SIGILL on a CPU that lacks its features. So the
install compiles llama.cpp with this CPU's AVX/AVX2/AVX-512 features named one by one and
AMX always off (``cmake_args``), and the worker turns repacking off when a build does have
AMX code (``repack_safe``).

No studyrag imports: ``scripts/install.sh`` runs this file before the package exists::

    python3 rag/llms/cpu.py --cmake-args
"""

from __future__ import annotations

import sys

# (cpuinfo flag, ggml CMake option), in the order ggml's own x86 variants add them.
X86_OPTIONS = (
    ("avx", "GGML_AVX"),
    ("avx2", "GGML_AVX2"),
    ("fma", "GGML_FMA"),
    ("f16c", "GGML_F16C"),
    ("bmi2", "GGML_BMI2"),
    ("avx512f", "GGML_AVX512"),
    ("avx512vbmi", "GGML_AVX512_VBMI"),
    ("avx512_vnni", "GGML_AVX512_VNNI"),
    ("avx512_bf16", "GGML_AVX512_BF16"),
)
AMX_OPTIONS = ("GGML_AMX_TILE", "GGML_AMX_INT8", "GGML_AMX_BF16")


def cpu_flags(cpuinfo: str | None = None) -> set[str]:
    """The CPU's feature flags (from /proc/cpuinfo; empty where there is none).

    >>> sorted(cpu_flags("processor : 0\\nflags : fpu avx2 avx512f amx_int8\\n"))
    ['amx_int8', 'avx2', 'avx512f', 'fpu']
    """
    if cpuinfo is None:
        try:
            with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
                cpuinfo = f.read()
        except OSError:
            return set()
    for line in cpuinfo.splitlines():
        if line.startswith("flags"):
            return set(line.split(":", 1)[1].split())
    return set()


def cmake_args(flags: set[str]) -> str:
    """CMake options for a llama.cpp build that uses exactly these x86 features, never AMX.

    >>> cmake_args({"avx", "avx2", "fma", "f16c"})
    '-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=OFF -DGGML_AVX512=OFF -DGGML_AVX512_VBMI=OFF -DGGML_AVX512_VNNI=OFF -DGGML_AVX512_BF16=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF'
    >>> "AVX512=ON" in cmake_args({"avx2", "avx512f", "amx_int8"}), "AMX_INT8=ON" in cmake_args({"amx_int8"})
    (True, False)
    """
    parts = ["-DGGML_NATIVE=OFF"]
    parts += [f"-D{opt}={'ON' if flag in flags else 'OFF'}" for flag, opt in X86_OPTIONS]
    parts += [f"-D{opt}=OFF" for opt in AMX_OPTIONS]
    return " ".join(parts)


def build_has_amx(system_info: str) -> bool:
    """Does this llama.cpp build carry AMX code? (from ``llama_print_system_info()``)

    >>> build_has_amx("CPU : AVX2 = 1 | AMX_INT8 = 1 | REPACK = 1"), build_has_amx("CPU : AVX2 = 1 |")
    (True, False)
    """
    return "AMX_INT8 = 1" in system_info or "AMX = 1" in system_info


def repack_safe(system_info: str, flags: set[str] | None = None) -> bool:
    """Weight repacking (ggml's extra buffer types) is safe unless AMX code would run it.

    >>> repack_safe("AVX512 = 1 |", {"avx512f", "amx_int8"}), repack_safe("AMX_INT8 = 1 |", {"amx_int8"})
    (True, False)
    """
    flags = cpu_flags() if flags is None else flags
    return not (build_has_amx(system_info) and any(f.startswith("amx") for f in flags))


def missing_features(system_info: str, flags: set[str]) -> list[str]:
    """Features the build uses that this CPU lacks (it would die with SIGILL).

    >>> missing_features("CPU : AVX2 = 1 | AVX512 = 1 |", {"avx2"})
    ['AVX512']
    """
    by_name = {opt.removeprefix("GGML_"): flag for flag, opt in X86_OPTIONS}
    used = [p.split("=")[0].split()[-1] for p in system_info.split("|") if p.strip().endswith("= 1")]
    return [u for u in used if u in by_name and by_name[u] not in flags]


if __name__ == "__main__":
    if sys.argv[1:] == ["--cmake-args"]:
        print(cmake_args(cpu_flags()))
    else:
        print("usage: python3 rag/llms/cpu.py --cmake-args", file=sys.stderr)
        sys.exit(2)
