# lit configuration for tdlc's FileCheck tests (tests/lit/<phase>/...).
import os
import lit.formats

config.name = "tdlc"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".tdl", ".tir", ".tasm", ".test"]
config.excludes = ["Inputs", "lit.cfg.py", "lit.site.cfg.py.in", "expect-exit.py"]
config.test_source_root = os.path.dirname(__file__)

site = lit_config.params.get("tdlc_site_config")
if not site:
    lit_config.fatal("run through ctest (needs --param tdlc_site_config=...)")
lit_config.load_config(config, site)
config.test_exec_root = os.path.join(os.path.dirname(site), "out")

config.environment["PATH"] = os.pathsep.join(
    [config.tdlc_bin_dir, config.llvm_tools_dir, config.environment.get("PATH", "")])
config.environment["HOME"] = config.test_exec_root  # the REPL writes history here
config.substitutions.append(("%tdlc", os.path.join(config.tdlc_bin_dir, "tdlc")))
config.substitutions.append(("%tdl-opt", os.path.join(config.tdlc_bin_dir, "tdl-opt")))
config.substitutions.append(("%FileCheck", config.filecheck))
config.substitutions.append(("%python", config.python))
config.substitutions.append(("%expect-exit", config.python + " " + os.path.join(os.path.dirname(__file__), "expect-exit.py")))
config.substitutions.append(("%srcroot", config.tdlc_source_dir))
