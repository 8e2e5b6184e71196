package challenges

import (
	"embed"
	"io/fs"
)

// builtin holds the built-in challenge folders. A new built-in folder must
// be added here; TestEveryFolderIsEmbedded fails until it is.
//
//go:embed all:asyncio-aggregation all:decorators all:deepcopy all:error-handling all:expenses all:gil all:inventory-tests all:pattern-matching
var builtin embed.FS

// Builtin returns the built-in challenges, one folder each.
func Builtin() fs.FS { return builtin }
