# Merges the module libraries into one installable libtilesim.a and writes tilesim.pc.
get_property(_modules GLOBAL PROPERTY TILESIM_MODULES)

set(_mri "${CMAKE_CURRENT_BINARY_DIR}/libtilesim.mri")
set(_lib "${CMAKE_CURRENT_BINARY_DIR}/libtilesim.a")
set(_mri_text "create ${_lib}\n")
foreach(m ${_modules})
    string(APPEND _mri_text "addlib $<TARGET_FILE:${m}>\n")
endforeach()
string(APPEND _mri_text "save\nend\n")
file(GENERATE OUTPUT "${_mri}" CONTENT "${_mri_text}")

add_custom_command(OUTPUT "${_lib}"
    COMMAND ${CMAKE_COMMAND} -E rm -f "${_lib}"
    COMMAND ${CMAKE_AR} -M < "${_mri}"
    DEPENDS ${_modules} "${_mri}"
    COMMENT "Merging module libraries into libtilesim.a")
add_custom_target(libtilesim ALL DEPENDS "${_lib}")

install(FILES "${_lib}" DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY "${PROJECT_SOURCE_DIR}/arch/library/" DESTINATION ${CMAKE_INSTALL_DATADIR}/tilesim/arch
        FILES_MATCHING PATTERN "*.yaml")
install(DIRECTORY "${PROJECT_SOURCE_DIR}/workloads/library/"
        DESTINATION ${CMAKE_INSTALL_DATADIR}/tilesim/workloads FILES_MATCHING PATTERN "*.yaml")

configure_file("${CMAKE_CURRENT_LIST_DIR}/tilesim.pc.in" "${CMAKE_CURRENT_BINARY_DIR}/tilesim.pc" @ONLY)
install(FILES "${CMAKE_CURRENT_BINARY_DIR}/tilesim.pc" DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
