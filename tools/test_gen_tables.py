#!/usr/bin/env python3
"""Unit tests of tools/gen-tables.py's proof that the kernel narrows an argument.

    python3 -m unittest discover -s tools -p 'test_*.py'

The proof decides the width a filter compares, so each rule it follows is tested here on
small C files, the accepted narrowings and, above all, the uses it must refuse (a refused
use keeps the argument at 64 bits; an accepted one that is not a narrowing would let values
differing in the high bits through an allow rule). The real kernel is checked by running
the generator (tools/ci-gen-tables.sh).
"""

import importlib.util
import os
import tempfile
import textwrap
import unittest

_spec = importlib.util.spec_from_file_location(
    "gen_tables", os.path.join(os.path.dirname(os.path.abspath(__file__)), "gen-tables.py"))
gt = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gt)


class Types:
    """The few C types the test files use (the real resolver reads kernel headers)."""

    KNOWN = {"int": (32, True), "unsigned int": (32, False), "unsigned": (32, False),
             "u32": (32, False), "pid_t": (32, True), "unsigned short": (16, False),
             "long": (64, True), "unsigned long": (64, False), "u64": (64, False)}

    def resolve(self, ty):
        ty = " ".join(ty.replace("const", " ").split())
        if "*" in ty:
            return gt.TypeInfo(64, False, True)
        if ty not in self.KNOWN:
            gt.fail("cannot resolve type %r" % ty)
        bits, signed = self.KNOWN[ty]
        return gt.TypeInfo(bits, signed, False)


SPEC = {
    "path": "arguments.toml",
    "functions": {"helper": {"file": "lib.c"}, "narrow_fd": {"file": "lib.h"},
                  "only_if_mmu": {"file": "lib.c", "config": "MMU"}},
    "macros": {"lower_32_bits": {"file": "wordpart.h", "body": "((u32)((n) & 0xffffffff))",
                                 "type": "u32"}},
}


class NarrowingTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.write("Makefile", "VERSION = 6\nPATCHLEVEL = 12\n")
        self.write("wordpart.h", "#define lower_32_bits(n) ((u32)((n) & 0xffffffff))\n")
        self.write("lib.h", "struct file *narrow_fd(unsigned int fd);\n")

    def tearDown(self):
        self.dir.cleanup()

    def write(self, rel, text):
        with open(os.path.join(self.dir.name, rel), "w") as f:
            f.write(textwrap.dedent(text))

    def prove(self, body, lib="", env=None):
        """Proves `x` of `SYSCALL_DEFINE1(t, unsigned long, x) { body }`."""
        self.write("sys.c", "SYSCALL_DEFINE1(t, unsigned long, x)\n{\n%s\n}\n" % body)
        self.write("lib.c", lib)
        tree = gt.Tree(self.dir.name)
        d = gt.Definition("t", [("unsigned long", "x")], "sys.c", 1, True)
        prover = gt.Narrowing(tree, "x86_64", env or gt.PPEnv(), Types(), SPEC)
        return prover.prove([d], "x", "t.x")

    def refused(self, body, lib="", why=""):
        with self.assertRaises(gt.GenError) as e:
            self.prove(body, lib)
        self.assertIn(why, str(e.exception))

    # ------------------------------------------------------------------ accepted

    def test_lower_32_bits_cites_the_macro_and_each_use(self):
        bits, sites = self.prove("\tk.flags = lower_32_bits(x) & ~CSIGNAL;\n"
                                 "\tk.sig = (lower_32_bits(x) & CSIGNAL);")
        self.assertEqual(bits, 32)
        self.assertEqual(sites, [
            "wordpart.h:1: #define lower_32_bits(n) ((u32)((n) & 0xffffffff))",
            "sys.c:3: k.flags = lower_32_bits(x) & ~CSIGNAL;",
            "sys.c:4: k.sig = (lower_32_bits(x) & CSIGNAL);"])

    def test_casts_and_narrow_variables(self):
        self.assertEqual(self.prove("\treturn f((int)x);")[0], 32)
        self.assertEqual(self.prove("\treturn f((unsigned short) x);")[0], 16)
        self.assertEqual(self.prove("\tint v = x;\n\treturn v;")[0], 32)

    def test_a_call_is_followed_into_the_callee_down_to_a_narrow_parameter(self):
        lib = """
        static long helper(int a, unsigned long fd)
        {
        \tif (a)
        \t\treturn -1;
        \treturn (long)narrow_fd(fd);
        }
        """
        bits, sites = self.prove("\treturn helper(1, x);", lib)
        self.assertEqual(bits, 32)
        self.assertEqual(sites, ["sys.c:3: return helper(1, x);",
                                 "lib.c:2: static long helper(int a, unsigned long fd)",
                                 "lib.c:6: return (long)narrow_fd(fd);",
                                 "lib.h:1: struct file *narrow_fd(unsigned int fd);"])

    def test_members_tags_and_disabled_code_are_not_uses(self):
        body = """\
        \tstruct x *p = q->x;
        \tif (s.x)
        \t\treturn 0;
        #if 0
        \treturn x;
        #endif
        \treturn narrow_fd(x);"""
        self.assertEqual(self.prove(textwrap.dedent(body))[0], 32)

    # ------------------------------------------------------------------ refused

    def test_arithmetic_or_a_comparison_on_the_value_is_refused(self):
        self.refused("\tif (x > 0xffffffff)\n\t\treturn -EINVAL;\n\treturn narrow_fd(x);",
                     why="may read all its bits")
        self.refused("\treturn narrow_fd(x + 1);", why="not one whole argument")
        self.refused("\tk.flags = x;", why="may read all its bits")
        self.refused("\treturn x;", why="may read all its bits")

    def test_wide_casts_variables_and_parameters_are_refused(self):
        self.refused("\treturn f((unsigned long)x);", why="keeps all 64 bits")
        self.refused("\tlong v = x;\n\treturn v;", why="keeps all 64 bits")
        lib = "static long helper(int a, unsigned long fd)\n{\n\treturn fd >> 32;\n}\n"
        self.refused("\treturn helper(0, x);", lib, why="may read all its bits")

    def test_an_unlisted_function_or_a_prototype_without_body_is_refused(self):
        self.refused("\treturn unknown(x);", why="add the file that declares it")
        self.refused("\treturn helper(0, x);", "long helper(int a, unsigned long fd);\n",
                     why="no body of it to follow")

    def test_a_macro_that_changed_is_refused(self):
        self.write("wordpart.h", "#define lower_32_bits(n) ((u64)(n))\n")
        self.refused("\treturn lower_32_bits(x);", why="not `((u32)((n) & 0xffffffff))`")

    def test_a_file_built_only_with_an_unset_config_is_refused(self):
        lib = "static long only_if_mmu(unsigned int fd)\n{\n\treturn fd;\n}\n"
        self.refused("\treturn only_if_mmu(x);", lib, why="built only with CONFIG_MMU")
        env = gt.PPEnv({"CONFIG_MMU": "1"})
        self.assertEqual(self.prove("\treturn only_if_mmu(x);", lib, env)[0], 32)

    def test_an_unused_parameter_cannot_be_narrowed(self):
        self.refused("\treturn 0;", why="never read")


class CheckTest(unittest.TestCase):
    def test_check_ignores_only_the_line_numbers_of_kernel_citations(self):
        a = 'narrowed: &["kernel/fork.c:2965: .flags = x,"], // mm/mremap.c:1017, mm/nommu.c:1568'
        b = 'narrowed: &["kernel/fork.c:2977: .flags = x,"], // mm/mremap.c:1047, mm/nommu.c:1568'
        self.assertEqual(gt._without_line_numbers(a), gt._without_line_numbers(b))
        for other in [b.replace(".flags = x", ".flags = y"), b.replace("fork.c", "exit.c"),
                      b.replace("Width::W32", "Width::W64") + " width: Width::W64"]:
            self.assertNotEqual(gt._without_line_numbers(a), gt._without_line_numbers(other))
        self.assertNotEqual(gt._without_line_numbers("width: Width::W32, nr: 56"),
                            gt._without_line_numbers("width: Width::W32, nr: 57"))


class ArgumentsFileTest(unittest.TestCase):
    def test_the_repository_file_loads(self):
        spec = gt.load_arguments()
        self.assertEqual(spec["narrowed"]["clone.clone_flags"], 32)
        self.assertIn("mmap.prot", spec["full"])
        self.assertTrue(any("mmap.prot" in fs["args"] for fs in spec["flag_sets"]))

    def test_two_verdicts_for_one_argument_are_refused(self):
        with tempfile.NamedTemporaryFile("w", suffix=".toml", delete=False) as f:
            f.write('[narrowed]\n"a.b" = 32\n[full_width.size]\nwhy = "x"\nargs = "a.b"\n')
        try:
            with self.assertRaises(gt.GenError) as e:
                gt.load_arguments(f.name)
            self.assertIn("two verdicts", str(e.exception))
        finally:
            os.unlink(f.name)


if __name__ == "__main__":
    unittest.main()
