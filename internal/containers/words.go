package containers

// adjectives and surnames make generated names: moods and qualities, and
// navigators, explorers and mapmakers.
var adjectives = []string{
	"able", "agile", "airy", "amber", "ardent", "azure", "balmy", "bold",
	"brave", "breezy", "bright", "brisk", "calm", "candid", "cheery", "civil",
	"clever", "cosmic", "crisp", "daring", "deft", "eager", "earnest", "fair",
	"fearless", "fleet", "fond", "frank", "gentle", "glad", "golden", "hardy",
	"hearty", "honest", "humble", "jolly", "keen", "kind", "lively", "lucid",
	"merry", "mellow", "nimble", "noble", "patient", "placid", "plucky", "polite",
	"proud", "quiet", "rapid", "ready", "serene", "sharp", "sincere", "snug",
	"spry", "steady", "sturdy", "sunny", "swift", "tidy", "trusty", "vivid",
	"warm", "wise", "witty", "zesty",
}

var surnames = []string{
	"abruzzi", "amundsen", "baffin", "balboa", "banks", "barents", "bartlett",
	"bass", "bellingshausen", "bering", "bligh", "bougainville", "brendan",
	"burton", "cabot", "cabral", "cadamosto", "cano", "cartier", "champlain",
	"cheng", "clark", "columbus", "cook", "cousteau", "dampier", "davis",
	"dezhnev", "dias", "drake", "dumont", "earhart", "ericsson", "eyre",
	"flinders", "forrest", "franklin", "frobisher", "gama", "gomes", "hakluyt",
	"hanno", "hedin", "henson", "heyerdahl", "hillary", "hudson", "humboldt",
	"ibn_battuta", "jansz", "kingsley", "kotzebue", "krusenstern", "laperouse",
	"laing", "lewis", "livingstone", "mackenzie", "magellan", "marco", "mawson",
	"mercator", "nansen", "nordenskiold", "norgay", "orellana", "park",
	"peary", "pigafetta", "pinzon", "polo", "ponce", "przhevalsky", "pytheas",
	"raleigh", "rasmussen", "ross", "sacagawea", "scott", "shackleton",
	"slocum", "smith", "speke", "stanley", "stark", "stefansson", "sturt",
	"tasman", "tenzing", "thesiger", "vancouver", "verrazzano", "vespucci",
	"vitus", "wallace", "weddell", "wilkes", "willoughby", "zheng", "cavendish",
	"fiennes", "hakon", "leif", "nobile",
}
