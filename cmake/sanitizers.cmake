# -DSTS_SANITIZE=ON: AddressSanitizer + UndefinedBehaviorSanitizer for every target, with
# UBSan findings fatal so a test run fails on them.
if(STS_SANITIZE)
  # GCC 12's -Wmaybe-uninitialized misfires on Beast's boost::optional returns once the
  # sanitizers change inlining; the sanitizers themselves catch real uninitialised reads.
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=undefined
                      -fno-omit-frame-pointer -Wno-maybe-uninitialized)
  add_link_options(-fsanitize=address,undefined)
endif()
