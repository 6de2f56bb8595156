package server

// body says what a stub must check before answering 501.
type body int

const (
	noBody   body = iota
	jsonBody      // a JSON document: malformed input is 400, as a real handler would answer
)

// dockerRoutes is every route of the Docker Engine API (swagger.yaml of API
// 1.52 plus the routes dockerd serves outside it: /grpc, /session,
// checkpoints, /build/cancel). Each starts as a 501 stub so clients get a
// clear "not implemented" rather than a 404 that reads like a wrong URL;
// Server.Handle replaces a stub with the real handler.
var dockerRoutes = []struct {
	pattern string
	body    body
}{
	// containers
	{"GET /containers/json", noBody},
	{"POST /containers/create", jsonBody},
	{"GET /containers/{id}/json", noBody},
	{"GET /containers/{id}/top", noBody},
	{"GET /containers/{id}/logs", noBody},
	{"GET /containers/{id}/changes", noBody},
	{"GET /containers/{id}/export", noBody},
	{"GET /containers/{id}/stats", noBody},
	{"POST /containers/{id}/resize", noBody},
	{"POST /containers/{id}/start", noBody},
	{"POST /containers/{id}/stop", noBody},
	{"POST /containers/{id}/restart", noBody},
	{"POST /containers/{id}/kill", noBody},
	{"POST /containers/{id}/update", jsonBody},
	{"POST /containers/{id}/rename", noBody},
	{"POST /containers/{id}/pause", noBody},
	{"POST /containers/{id}/unpause", noBody},
	{"POST /containers/{id}/attach", noBody},
	{"GET /containers/{id}/attach/ws", noBody},
	{"POST /containers/{id}/wait", noBody},
	{"DELETE /containers/{id}", noBody},
	{"HEAD /containers/{id}/archive", noBody},
	{"GET /containers/{id}/archive", noBody},
	{"PUT /containers/{id}/archive", noBody},
	{"POST /containers/prune", noBody},
	{"POST /containers/{id}/exec", jsonBody},
	{"GET /containers/{id}/checkpoints", noBody},
	{"POST /containers/{id}/checkpoints", jsonBody},
	{"DELETE /containers/{id}/checkpoints/{checkpoint}", noBody},

	// exec
	{"POST /exec/{id}/start", jsonBody},
	{"POST /exec/{id}/resize", noBody},
	{"GET /exec/{id}/json", noBody},

	// images and build
	{"GET /images/json", noBody},
	{"POST /build", noBody},
	{"POST /build/prune", noBody},
	{"POST /build/cancel", noBody},
	{"POST /images/create", noBody},
	{"GET /images/{name...}/json", noBody},
	{"GET /images/{name...}/attestations", noBody},
	{"GET /images/{name...}/history", noBody},
	{"POST /images/{name...}/push", noBody},
	{"POST /images/{name...}/tag", noBody},
	{"DELETE /images/{name...}", noBody},
	{"GET /images/search", noBody},
	{"POST /images/prune", noBody},
	{"GET /images/{name...}/get", noBody},
	{"GET /images/get", noBody},
	{"POST /images/load", noBody},
	{"POST /commit", jsonBody},
	{"GET /distribution/{name...}/json", noBody},

	// system
	{"POST /auth", jsonBody},
	{"GET /info", noBody},
	{"GET /version", noBody},
	{"GET /_ping", noBody},
	{"HEAD /_ping", noBody},
	{"GET /events", noBody},
	{"GET /system/df", noBody},

	// volumes
	{"GET /volumes", noBody},
	{"POST /volumes/create", jsonBody},
	{"POST /volumes/prune", noBody},
	{"GET /volumes/{name}", noBody},
	{"PUT /volumes/{name}", jsonBody},
	{"DELETE /volumes/{name}", noBody},

	// networks
	{"GET /networks", noBody},
	{"POST /networks/create", jsonBody},
	{"POST /networks/prune", noBody},
	{"GET /networks/{id}", noBody},
	{"DELETE /networks/{id}", noBody},
	{"POST /networks/{id}/connect", jsonBody},
	{"POST /networks/{id}/disconnect", jsonBody},

	// plugins
	{"GET /plugins", noBody},
	{"GET /plugins/privileges", noBody},
	{"POST /plugins/pull", jsonBody},
	{"POST /plugins/create", noBody},
	{"GET /plugins/{name...}/json", noBody},
	{"DELETE /plugins/{name...}", noBody},
	{"POST /plugins/{name...}/enable", noBody},
	{"POST /plugins/{name...}/disable", noBody},
	{"POST /plugins/{name...}/upgrade", jsonBody},
	{"POST /plugins/{name...}/push", noBody},
	{"POST /plugins/{name...}/set", jsonBody},

	// swarm
	{"GET /swarm", noBody},
	{"POST /swarm/init", jsonBody},
	{"POST /swarm/join", jsonBody},
	{"POST /swarm/leave", noBody},
	{"POST /swarm/update", jsonBody},
	{"GET /swarm/unlockkey", noBody},
	{"POST /swarm/unlock", jsonBody},
	{"GET /nodes", noBody},
	{"GET /nodes/{id}", noBody},
	{"DELETE /nodes/{id}", noBody},
	{"POST /nodes/{id}/update", jsonBody},
	{"GET /services", noBody},
	{"POST /services/create", jsonBody},
	{"GET /services/{id}", noBody},
	{"DELETE /services/{id}", noBody},
	{"POST /services/{id}/update", jsonBody},
	{"GET /services/{id}/logs", noBody},
	{"GET /tasks", noBody},
	{"GET /tasks/{id}", noBody},
	{"GET /tasks/{id}/logs", noBody},
	{"GET /secrets", noBody},
	{"POST /secrets/create", jsonBody},
	{"GET /secrets/{id}", noBody},
	{"DELETE /secrets/{id}", noBody},
	{"POST /secrets/{id}/update", jsonBody},
	{"GET /configs", noBody},
	{"POST /configs/create", jsonBody},
	{"GET /configs/{id}", noBody},
	{"DELETE /configs/{id}", noBody},
	{"POST /configs/{id}/update", jsonBody},

	// hijacked sessions (BuildKit)
	{"POST /session", noBody},
	{"POST /grpc", noBody},
}
