package cli

// imageCmd groups `skiff image ...`, docker's management command for images.
type imageCmd struct {
	Ls      imagesCmd       `cmd:"" aliases:"list" help:"List images."`
	Pull    pullCmd         `cmd:"" help:"Download an image from a registry."`
	Push    pushCmd         `cmd:"" help:"Upload an image to a registry."`
	Inspect imageInspectCmd `cmd:"" help:"Display detailed information on one or more images."`
	History historyCmd      `cmd:"" help:"Show the history of an image."`
	Rm      rmiCmd          `cmd:"" aliases:"rmi,remove" help:"Remove one or more images."`
	Tag     tagCmd          `cmd:"" help:"Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE."`
	Save    saveCmd         `cmd:"" help:"Save one or more images to a tar archive (streamed to STDOUT by default)."`
	Load    loadCmd         `cmd:"" help:"Load an image from a tar archive or STDIN."`
	Import  importCmd       `cmd:"" help:"Import the contents from a tarball to create a filesystem image."`
	Prune   imagePruneCmd   `cmd:"" help:"Remove unused images."`
}
