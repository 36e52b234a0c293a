# `cmake --install` (and `./build.sh install PREFIX`): tdlc, tdl-opt, the
# docs, the CMake package (find_package(TDL) with tdlc_add_library) and a
# pkg-config file. docs/cmake.md shows a complete consumer.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(TARGETS tdlc tdl-opt RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}
        FILES_MATCHING PATTERN "*.md")

# The accelerator host runtime that `tdlc -c --accel` objects call, with the
# libraries below it (TDL::accel_host in TDLConfig.cmake, docs/cmake.md).
set(TDL_ACCEL_HOST_LIBS tdl_accel_host tdl_accel_conv tdl_accel_gemm
    tdl_accel_mapping tdl_accel_sim tdl_accel_isa)
install(TARGETS ${TDL_ACCEL_HOST_LIBS}
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}/tdl)
# ... and the shared libraries they need, as this build found them.
get_target_property(TDL_LLVM_LIBRARY LLVM LOCATION)
get_target_property(TDL_FMT_LIBRARY fmt::fmt LOCATION)
# A sanitized build's archives call the ASan and UBSan runtimes: whatever
# links them must link those too (./build.sh test-sanitize runs
# tests/install on such a build).
set(TDL_ACCEL_HOST_LINK_OPTIONS "")
if(TDLC_SANITIZE)
  set(TDL_ACCEL_HOST_LINK_OPTIONS "-fsanitize=address,undefined")
endif()

set(TDL_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/TDL)
configure_package_config_file(
  ${PROJECT_SOURCE_DIR}/cmake/package/TDLConfig.cmake.in
  ${PROJECT_BINARY_DIR}/package/TDLConfig.cmake
  INSTALL_DESTINATION ${TDL_CMAKE_DIR}
  PATH_VARS CMAKE_INSTALL_BINDIR CMAKE_INSTALL_LIBDIR)
write_basic_package_version_file(
  ${PROJECT_BINARY_DIR}/package/TDLConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/package/TDLConfig.cmake
              ${PROJECT_BINARY_DIR}/package/TDLConfigVersion.cmake
        DESTINATION ${TDL_CMAKE_DIR})

# pkg-config: the prefix is the one given at install time.
install(CODE "
  set(CMAKE_INSTALL_PREFIX \"\${CMAKE_INSTALL_PREFIX}\")
  set(CMAKE_INSTALL_BINDIR \"${CMAKE_INSTALL_BINDIR}\")
  set(PROJECT_VERSION \"${PROJECT_VERSION}\")
  configure_file(\"${PROJECT_SOURCE_DIR}/cmake/package/tdl.pc.in\"
                 \"${PROJECT_BINARY_DIR}/package/tdl.pc\" @ONLY)
")
install(FILES ${PROJECT_BINARY_DIR}/package/tdl.pc
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
