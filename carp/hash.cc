// The hash functions are constexpr and live in hash.h; this file anchors them in
// the library and checks a few values at compile time.
#include "carp/hash.h"

namespace cuttle::carp {

static_assert(rotl(0x80000001u, 1) == 0x00000003u);
static_assert(url_hash("") == 0);
// One byte: h = 0 + rotl(0, 19) + 'a'.
static_assert(url_hash("a") == 97);
// Two bytes: 97 + rotl(97, 19) + 'b' = 97 + (97 << 19) + 98.
static_assert(url_hash("ab") == 97u + (97u << 19) + 98u);
// A byte >= 0x80 counts as a negative char: 0 + 0 + (0xFF - 256) = 0xFFFFFFFF.
static_assert(url_hash("\xff") == 0xFFFFFFFFu);

}  // namespace cuttle::carp
