# -DSTS_SANITIZE=ON: AddressSanitizer + UndefinedBehaviorSanitizer for every target, with
# UBSan findings fatal so a test run fails on them.
if(STS_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=undefined
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
