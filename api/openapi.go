package api

import (
	_ "embed"

	"github.com/gin-gonic/gin"
)

// openAPIDoc is the hand-written OpenAPI 3 document of the whole HTTP
// API; TestOpenAPIMatchesRoutes keeps it and the router in step.
//
//go:embed openapi.json
var openAPIDoc []byte

// OpenAPI returns the OpenAPI document served at /api/v1/openapi.json.
func OpenAPI() []byte { return openAPIDoc }

func (s *server) openAPI(c *gin.Context) {
	c.Data(200, "application/json", openAPIDoc)
}
