# Fails when a file under src/checks, src/analyze or src/monitor includes an adapter library
# directly.
file(GLOB_RECURSE files ${ROOT}/src/checks/*.cpp ${ROOT}/src/checks/*.hpp
                        ${ROOT}/src/analyze/*.cpp ${ROOT}/src/analyze/*.hpp
                        ${ROOT}/src/monitor/*.cpp ${ROOT}/src/monitor/*.hpp)
set(bad "")
foreach(f IN LISTS files)
  file(STRINGS ${f} lines REGEX "#include [<\"](curl/|openssl/|ares|boost/|net/impl/|perf/impl/)")
  if(lines)
    list(APPEND bad "${f}: ${lines}")
  endif()
endforeach()
if(bad)
  message(FATAL_ERROR "checks, analyze and monitor must use net/ interfaces only:\n${bad}")
endif()
list(LENGTH files n)
message(STATUS "layering: ${n} files clean")
