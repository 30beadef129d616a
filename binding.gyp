{
  "targets": [
    {
      "target_name": "tensorblas",
      "sources": [
        "native/addon.cc",
        "native/alloc.cc",
        "native/elementwise.cc",
        "native/reduce.cc",
        "native/blas.cc",
        "native/runtime.cc",
        "native/distance.cc",
        "native/lapack/solve.cc",
        "native/lapack/lu.cc",
        "native/lapack/cholesky.cc",
        "native/lapack/eigh.cc",
        "native/lapack/svd.cc",
        "native/lapack/qr.cc",
        "native/lapack/eig.cc",
        "native/lapack/lstsq.cc",
        "native/gfortran_shim.cc"
      ],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "<!@(node scripts/find-blas.cjs --cflags)"
      ],
      "libraries": [
        "<!@(node scripts/find-blas.cjs --libs)"
      ],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++17"],
      # -ffp-contract=off: no fused multiply-add, so the small loops JS also runs (lib/blas.ts,
      # lib/elementwise.ts) round as JS does on every CPU.
      "cflags_cc": ["-std=c++17", "-O3", "-ffp-contract=off", "-Wall", "-Wextra", "-Werror", "-Wno-unused-parameter", "-fvisibility=hidden", "-fvisibility-inlines-hidden", "-pthread"],
      "conditions": [
        ["OS=='linux'", {
          "ldflags": ["-Wl,--exclude-libs,ALL", "-pthread", "<!@(node scripts/find-blas.cjs --ldflags)"]
        }],
        ["OS=='mac'", {
          "xcode_settings": {
            "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
            "GCC_SYMBOLS_PRIVATE_EXTERN": "YES",
            "OTHER_CPLUSPLUSFLAGS": ["-O3", "-ffp-contract=off", "-Wall", "-Werror"],
            "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
            "MACOSX_DEPLOYMENT_TARGET": "11.0"
          }
        }],
        ["OS=='win'", {
          "msbuild_toolset": "ClangCL",
          "defines!": ["_HAS_EXCEPTIONS=0"],
          "defines": ["_HAS_EXCEPTIONS=1"],
          "msvs_settings": { "VCCLCompilerTool": { "ExceptionHandling": 1 } }
        }]
      ]
    }
  ]
}
