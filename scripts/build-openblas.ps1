#Requires -Version 7.0
<#
.SYNOPSIS
  Builds the OpenBLAS that the win32-x64 prebuild links: the Windows twin of scripts/build-openblas.sh.

.DESCRIPTION
  A pinned OpenBLAS release, verified by SHA-256, built with CMake + Ninja + clang-cl (the MSVC ABI,
  so MSVC's link.exe can put it into the addon) as a static library only:
    - DYNAMIC_ARCH: run-time kernel choice. MSVC's own cl.exe cannot compile OpenBLAS's assembly
      kernels, so it would only give the slow generic C build; clang-cl can (this is the
      configuration OpenBLAS documents for the native Windows ABI and conda-forge ships).
    - LAPACK from its C translation (NOFORTRAN + C_LAPACK, OpenBLAS >= 0.3.21), so no Fortran
      compiler and no Fortran runtime DLL; LAPACKE is built by default into the same openblas.lib.
    - the static C runtime (/MT), which is what node-gyp compiles addons with (node's common.gypi:
      RuntimeLibrary 0 in Release); mixing /MD objects into a /MT addon draws LNK4098 and can pull
      in a second CRT.
    - Windows threads, an explicit NUM_THREADS ceiling (default 64).
  Installs <prefix>\include\openblas\{cblas.h,lapacke.h,...}, <prefix>\lib\openblas.lib and the
  OpenBLAS and LAPACK license texts in <prefix>\share\doc\openblas\ (NOTICES.txt holds both).

.EXAMPLE
  $env:OPENBLAS_VERSION = '0.3.33'; $env:OPENBLAS_SHA256 = '...'; ./scripts/build-openblas.ps1 -Prefix .openblas
#>
[CmdletBinding()]
param(
  [string]$Prefix = $env:OPENBLAS_PREFIX,
  [string]$Version = $env:OPENBLAS_VERSION,
  [string]$Sha256 = $env:OPENBLAS_SHA256,
  [int]$MaxThreads = $(if ($env:OPENBLAS_MAX_THREADS) { [int]$env:OPENBLAS_MAX_THREADS } else { 64 }),
  # Baseline for the common (non-kernel) code; OpenBLAS's own Windows CI pairs DYNAMIC_ARCH with CORE2.
  [string]$Target = $(if ($env:OPENBLAS_TARGET) { $env:OPENBLAS_TARGET } else { 'CORE2' }),
  # conda-forge builds its clang-cl DYNAMIC_ARCH OpenBLAS with NO_AVX512 (AVX-512 machines then use
  # the Haswell kernels); set OPENBLAS_NO_AVX512=0 to build the AVX-512 kernels too.
  [string]$NoAvx512 = $(if ($null -ne $env:OPENBLAS_NO_AVX512) { $env:OPENBLAS_NO_AVX512 } else { '1' }),
  # Short on purpose: CMake object paths under lapack-netlib get long, and MAX_PATH is 260.
  [string]$WorkDir = $(if ($env:OPENBLAS_WORKDIR) { $env:OPENBLAS_WORKDIR } elseif ($env:RUNNER_TEMP) { Join-Path $env:RUNNER_TEMP 'ob' } else { Join-Path ([IO.Path]::GetTempPath()) 'ob' })
)

$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'  # the progress bar slows Invoke-WebRequest down a lot
Set-StrictMode -Version 3.0

function Fail([string]$Message) {
  throw "build-openblas: $Message"
}

# Runs a native command and stops on a non-zero exit code (PowerShell would carry on).
function Invoke-Native {
  param([Parameter(Mandatory)][string]$File, [string[]]$Arguments = @())
  Write-Host "> $File $($Arguments -join ' ')"
  & $File @Arguments
  if ($LASTEXITCODE -ne 0) { Fail "$File exited with $LASTEXITCODE" }
}

if (-not $Prefix) { Fail 'pass -Prefix <install prefix> or set OPENBLAS_PREFIX' }
if (-not $Version) { Fail 'set OPENBLAS_VERSION (or pass -Version)' }
if (-not $Sha256) { Fail 'set OPENBLAS_SHA256 (or pass -Sha256)' }
if ($IsWindows -ne $true) { Fail 'this script builds for Windows; use scripts/build-openblas.sh elsewhere' }
# Relative to PowerShell's location (not the process's current directory).
$Prefix = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($Prefix)
$WorkDir = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($WorkDir)

# --- toolchain -----------------------------------------------------------------------------------
# The x64 developer environment (link.exe, lib.exe, the Windows SDK headers and libraries, and VS's
# CMake and Ninja on PATH), as a Developer PowerShell would set it up.
$vswhere = Join-Path ${env:ProgramFiles(x86)} 'Microsoft Visual Studio\Installer\vswhere.exe'
if (-not (Test-Path $vswhere)) { Fail "vswhere.exe not found at $vswhere (is Visual Studio installed?)" }
$vsPath = & $vswhere -latest -products '*' -requires Microsoft.VisualStudio.Component.VC.Tools.x86.x64 -property installationPath
if (-not $vsPath) { Fail 'no Visual Studio with the x64 C++ tools was found' }
$vsPath = @($vsPath)[0]
Import-Module (Join-Path $vsPath 'Common7\Tools\Microsoft.VisualStudio.DevShell.dll')
Enter-VsDevShell -VsInstallPath $vsPath -SkipAutomaticLocation -DevCmdArguments '-arch=x64 -host_arch=x64' | Out-Null

# clang-cl: Visual Studio's own LLVM (the "C++ Clang tools for Windows" component, which the hosted
# runners have) first, else whatever is on PATH.
$clangCl = Join-Path $vsPath 'VC\Tools\Llvm\x64\bin\clang-cl.exe'
if (-not (Test-Path $clangCl)) {
  $found = Get-Command clang-cl -ErrorAction SilentlyContinue
  if (-not $found) { Fail 'clang-cl not found (install the "C++ Clang tools for Windows" Visual Studio component or LLVM)' }
  $clangCl = $found.Source
}
if (-not (Get-Command ninja -ErrorAction SilentlyContinue)) {
  # The developer environment normally puts Visual Studio's Ninja on PATH; add it if not.
  $vsNinja = Join-Path $vsPath 'Common7\IDE\CommonExtensions\Microsoft\CMake\Ninja'
  if (Test-Path (Join-Path $vsNinja 'ninja.exe')) { $env:PATH = "$vsNinja;$env:PATH" }
}
foreach ($tool in 'cmake', 'ninja', 'link', 'tar', 'dumpbin') {
  if (-not (Get-Command $tool -ErrorAction SilentlyContinue)) { Fail "$tool not found on PATH" }
}
Write-Host "build-openblas: clang-cl $clangCl"
Invoke-Native $clangCl @('--version')
Invoke-Native 'cmake' @('--version')

# --- source --------------------------------------------------------------------------------------
# The release asset, byte-identical to GitHub's tag archive; it unpacks to OpenBLAS-<version>\.
$url = "https://github.com/OpenMathLib/OpenBLAS/releases/download/v$Version/OpenBLAS-$Version.tar.gz"
if (Test-Path $WorkDir) { Remove-Item -Recurse -Force $WorkDir }
New-Item -ItemType Directory -Force -Path $WorkDir | Out-Null
$tarball = Join-Path $WorkDir "OpenBLAS-$Version.tar.gz"
Write-Host "build-openblas: downloading $url"
Invoke-WebRequest -Uri $url -OutFile $tarball -MaximumRetryCount 5 -RetryIntervalSec 5
$actual = (Get-FileHash -Algorithm SHA256 -Path $tarball).Hash.ToLowerInvariant()
if ($actual -ne $Sha256.ToLowerInvariant()) { Fail "SHA-256 mismatch for ${url}: expected $Sha256, got $actual" }
# Windows' own bsdtar (System32), not Git's GNU tar, which takes "C:" for a remote host.
$tar = Join-Path $env:SystemRoot 'System32\tar.exe'
if (-not (Test-Path $tar)) { $tar = 'tar' }
Invoke-Native $tar @('-xzf', $tarball, '-C', $WorkDir)
$src = Join-Path $WorkDir "OpenBLAS-$Version"
if (-not (Test-Path (Join-Path $src 'CMakeLists.txt'))) { Fail "$tarball did not unpack to $src" }
$build = Join-Path $WorkDir 'b'

# --- build ---------------------------------------------------------------------------------------
# clang-19 and later print millions of warnings on OpenBLAS (conda-forge silences them the same way).
$env:CFLAGS = '-w'
$configure = @(
  '-S', $src,
  '-B', $build,
  '-G', 'Ninja',
  '-DCMAKE_BUILD_TYPE=Release',
  "-DCMAKE_C_COMPILER=$clangCl",
  "-DCMAKE_CXX_COMPILER=$clangCl",
  "-DCMAKE_INSTALL_PREFIX=$Prefix",
  # Static CRT: CMP0091 makes CMAKE_MSVC_RUNTIME_LIBRARY authoritative (OpenBLAS >= 0.3.30 requires
  # CMake 3.16, which sets it anyway); MSVC_STATIC_CRT is OpenBLAS's own /MD -> /MT switch for
  # CMake setups where the runtime still lives in the flags.
  '-DCMAKE_POLICY_DEFAULT_CMP0091=NEW',
  # CMake 4 refuses cmake_minimum_required() below 3.5, which some lapack-netlib subprojects still say.
  '-DCMAKE_POLICY_VERSION_MINIMUM=3.5',
  '-DCMAKE_MSVC_RUNTIME_LIBRARY=MultiThreaded',
  '-DMSVC_STATIC_CRT=ON',
  '-DBUILD_SHARED_LIBS=OFF',
  '-DBUILD_STATIC_LIBS=ON',
  '-DDYNAMIC_ARCH=ON',
  "-DTARGET=$Target",
  '-DNOFORTRAN=ON',
  '-DC_LAPACK=ON',
  '-DBUILD_WITHOUT_LAPACK=OFF',
  '-DBUILD_TESTING=OFF',
  '-DUSE_THREAD=ON',
  '-DUSE_OPENMP=OFF',
  "-DNUM_THREADS=$MaxThreads"
)
if ($NoAvx512 -eq '1') { $configure += '-DNO_AVX512=ON' }
Invoke-Native 'cmake' $configure
Invoke-Native 'cmake' @('--build', $build, '--config', 'Release')
Invoke-Native 'cmake' @('--install', $build, '--config', 'Release')

# --- tidy and record -----------------------------------------------------------------------------
$libDir = Join-Path $Prefix 'lib'
$includeDir = Join-Path $Prefix 'include\openblas'
$lib = Join-Path $libDir 'openblas.lib'
if (-not (Test-Path $lib)) {
  # Older CMake scripts named the MSVC static library libopenblas.lib; settle on one name.
  $candidates = @(Get-ChildItem -Path $libDir -Filter '*openblas*.lib' -File -ErrorAction SilentlyContinue)
  if ($candidates.Count -ne 1) { Fail "expected one OpenBLAS .lib in $libDir, found: $(($candidates | ForEach-Object Name) -join ', ')" }
  Copy-Item $candidates[0].FullName $lib
}
$binDir = Join-Path $Prefix 'bin'
if (Test-Path $binDir) {
  $dlls = @(Get-ChildItem -Path $binDir -Filter '*.dll' -File)
  if ($dlls.Count) { Fail "a DLL was installed ($(($dlls | ForEach-Object Name) -join ', ')) although BUILD_SHARED_LIBS=OFF" }
  Remove-Item -Recurse -Force $binDir
}
$docDir = Join-Path $Prefix 'share\doc\openblas'
New-Item -ItemType Directory -Force -Path $docDir | Out-Null
Copy-Item (Join-Path $src 'LICENSE') (Join-Path $docDir 'LICENSE')
Copy-Item (Join-Path $src 'lapack-netlib\LICENSE') (Join-Path $docDir 'LICENSE.lapack')
# Both in one file, so the prebuild takes a single path (no list separator to get wrong).
@(
  "OpenBLAS $Version (https://github.com/OpenMathLib/OpenBLAS), statically linked:",
  '',
  (Get-Content -Raw (Join-Path $src 'LICENSE')),
  '',
  'The LAPACK and LAPACKE routines it contains (Reference-LAPACK, lapack-netlib/LICENSE):',
  '',
  (Get-Content -Raw (Join-Path $src 'lapack-netlib\LICENSE'))
) | Set-Content -Path (Join-Path $docDir 'NOTICES.txt') -Encoding utf8
@(
  "OpenBLAS $Version",
  "source: $url",
  "sha256: $Sha256",
  'platform: win32-x64 (MSVC ABI, static CRT)',
  "compiler: $((& $clangCl --version | Select-Object -First 1))",
  "cmake options: $($configure[6..($configure.Count - 1)] -join ' ')"
) | Set-Content -Path (Join-Path $docDir 'BUILD-INFO.txt') -Encoding utf8

# --- check ---------------------------------------------------------------------------------------
foreach ($header in 'cblas.h', 'lapacke.h', 'lapack.h', 'lapacke_config.h', 'lapacke_mangling.h', 'openblas_config.h') {
  if (-not (Test-Path (Join-Path $includeDir $header))) { Fail "$includeDir\$header was not installed" }
}
# The archive's symbol index (first linker member) lists every public symbol.
$index = & dumpbin /nologo /linkermember:1 $lib
if ($LASTEXITCODE -ne 0) { Fail "dumpbin could not read $lib" }
$names = [System.Collections.Generic.HashSet[string]]::new()
foreach ($line in $index) {
  $parts = $line.Trim() -split '\s+'
  if ($parts.Count -eq 2) { [void]$names.Add($parts[1]) }
}
foreach ($symbol in 'cblas_dgemm', 'cblas_sgemm', 'dgesdd_', 'dsyevd_', 'dgeev_', 'dgelsd_', 'LAPACKE_dgesdd_work', 'LAPACKE_sgetrf_work',
  'LAPACKE_dsyevd_work', 'openblas_set_num_threads', 'openblas_get_config', 'openblas_get_corename', 'openblas_get_parallel',
  'gotoblas_corename') {
  if (-not $names.Contains($symbol)) { Fail "$lib does not define $symbol" }
}
$size = [math]::Round((Get-Item $lib).Length / 1MB, 1)
Write-Host "build-openblas: installed OpenBLAS $Version in $Prefix ($size MiB openblas.lib, TARGET=$Target, NO_AVX512=$NoAvx512)"
Remove-Item -Recurse -Force $WorkDir
