# Every third-party dependency is found here, once. build.sh installs them.
find_package(LLVM 19.1 REQUIRED CONFIG HINTS /usr/lib/llvm-19/lib/cmake/llvm)
message(STATUS "LLVM ${LLVM_PACKAGE_VERSION} from ${LLVM_DIR}")
separate_arguments(TDLC_LLVM_DEFINITIONS NATIVE_COMMAND "${LLVM_DEFINITIONS}")
add_library(tdl_llvm INTERFACE)
target_include_directories(tdl_llvm SYSTEM INTERFACE ${LLVM_INCLUDE_DIRS})
target_compile_definitions(tdl_llvm INTERFACE ${TDLC_LLVM_DEFINITIONS})
# Debian ships LLVM as one shared library: linking it is fast and small.
target_link_libraries(tdl_llvm INTERFACE LLVM)

find_package(fmt REQUIRED)
find_package(GTest REQUIRED)

find_package(BISON 3.8 REQUIRED)
find_program(RE2C_EXECUTABLE re2c REQUIRED)
find_package(Python3 REQUIRED COMPONENTS Interpreter)

# lit and FileCheck come with llvm-19-tools.
set(TDLC_LIT "${LLVM_TOOLS_BINARY_DIR}/../build/utils/lit/lit.py")
get_filename_component(TDLC_LIT "${TDLC_LIT}" ABSOLUTE)
find_program(TDLC_FILECHECK FileCheck HINTS ${LLVM_TOOLS_BINARY_DIR} NO_DEFAULT_PATH REQUIRED)
if(NOT EXISTS "${TDLC_LIT}")
  message(FATAL_ERROR "lit.py not found at ${TDLC_LIT}: install llvm-19-tools")
endif()
