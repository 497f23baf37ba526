# qikan_add_test(NAME SOURCES... LIBS... LABELS...)
# One gtest executable per source file, registered with ctest under its labels. Tesseract runs
# single-threaded inside each test process (OMP_THREAD_LIMIT must be set before libgomp loads).
# Only one ENVIRONMENT entry gets through gtest_discover_tests' PROPERTIES (a list is split into
# separate arguments): the tests find the source and build trees through tests/support instead.
include(GoogleTest)
function(qikan_add_test name)
  cmake_parse_arguments(T "" "TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE ${T_LIBS} GTest::gtest GTest::gtest_main GTest::gmock)
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 600)
  endif()
  gtest_discover_tests(${name}
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
    PROPERTIES LABELS "${T_LABELS}" TIMEOUT ${T_TIMEOUT}
               ENVIRONMENT "OMP_THREAD_LIMIT=1"
    DISCOVERY_TIMEOUT 60)
endfunction()
