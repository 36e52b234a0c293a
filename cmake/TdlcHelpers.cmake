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
