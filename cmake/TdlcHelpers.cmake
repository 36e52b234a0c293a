# Includes are spelled from the source root ("folder/File.h"); generated
# headers mirror it in the build tree. Each library carries the two roots
# (no global include_directories): targets see headers only through what
# they link, and tests/layering checks which folders may include which.
function(tdl_include_root name)
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR}
                                            ${PROJECT_BINARY_DIR})
endfunction()

# tdl_library(NAME SOURCES... [DEPS ...]): one CMake library per phase folder.
function(tdl_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_link_libraries(${name} PUBLIC ${ARG_DEPS})
  tdl_include_root(${name})
  target_compile_options(${name} PRIVATE -Wall -Wextra -Wno-unused-parameter)
endfunction()

# tdl_unittest(NAME SOURCES... DEPS ...): one GoogleTest binary per phase.
function(tdl_unittest name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main)
  tdl_include_root(${name})
  add_test(NAME unit/${name} COMMAND ${name})
endfunction()

# tdl_model_compiler(CMD DEPS): the command that compiles the unit tests'
# .tdl models to objects, and what it depends on. TDLC_HOST_TDLC replaces
# this build's tdlc (a TSan build builds no tdlc); under TDLC_TSAN the objects
# link the instrumented kernel runtime bitcode (backends/cpu).
function(tdl_model_compiler cmd_var deps_var)
  if(TDLC_HOST_TDLC)
    set(cmd ${TDLC_HOST_TDLC})
    set(deps ${TDLC_HOST_TDLC})
  else()
    set(cmd tdlc)
    set(deps tdlc)
  endif()
  if(TDLC_TSAN)
    list(APPEND cmd --cpu-runtime-bitcode=${TDLC_CPU_RUNTIME_BC})
    list(APPEND deps tdl_cpu_runtime_bc ${TDLC_CPU_RUNTIME_BC})
  endif()
  set(${cmd_var} ${cmd} PARENT_SCOPE)
  set(${deps_var} ${deps} PARENT_SCOPE)
endfunction()
