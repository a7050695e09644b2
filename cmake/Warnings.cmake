# Warnings for launchgate's own targets (third-party headers are system headers and stay quiet).
# -Wnull-dereference is left out on purpose: GCC 12 only runs it with optimisation on, and there it
# reports false positives inside inlined CLI11 and nlohmann-json code (iterators, std::string
# relocation) that no change of ours removes; the ASan+UBSan build covers null dereferences.
set(LG_WARNINGS
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wnon-virtual-dtor
  -Woverloaded-virtual -Wformat=2)
# -Wno-restrict: GCC 12 at -O3 (Release) reports -Wrestrict inside libstdc++'s std::string
# concatenation (GCC bug 105329), in code that only appends strings.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  list(APPEND LG_WARNINGS -Wno-restrict)
endif()
if(LG_WERROR)
  list(APPEND LG_WARNINGS -Werror)
endif()

function(lg_warnings target)
  target_compile_options(${target} PRIVATE ${LG_WARNINGS})
endfunction()
