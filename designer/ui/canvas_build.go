package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"

	"guitai/dsl"
)

// Lazy building: blocks out of sight are placeholders of about their
// height until they come into sight or a node of theirs is asked for.

// viewport is the part of the root box in sight (and a margin), in the
// box's coordinates; before the surface is laid out, about a screen.
func (c *Canvas) viewport() (top, bottom float32) {
	h := c.scroll.Size().Height
	if h <= 0 {
		h = 1000
	}
	const margin = 200
	top = c.scroll.Offset.Y - theme.Padding() // the box stands in a padded container
	return top - margin, top + h + margin
}

func (c *Canvas) inView(o fyne.CanvasObject, top, bottom float32) bool {
	y := o.Position().Y
	return y < bottom && y+o.Size().Height > top
}

// subtreeSize counts the nodes of n's subtree.
func subtreeSize(n *dsl.Node) int {
	k := 1
	for _, c := range n.Children {
		k += subtreeSize(c)
	}
	return k
}

// placeholder stands for a block not built yet: h high, or when h < 0 as
// high as the blocks built so far suggest.
func (c *Canvas) placeholder(child *dsl.Node, key string, h float32) *block {
	n := subtreeSize(child)
	if h <= 0 {
		per := c.perNode
		if per <= 0 {
			per = 24
		}
		h = per * float32(n)
	}
	r := canvas.NewRectangle(color.Transparent)
	r.SetMinSize(fyne.NewSize(0, h))
	return &block{id: child.ID, key: key, nodes: n, obj: r}
}

// fill builds the placeholders in sight, in the order of the box, each
// built block's real height placing the next; it reports whether it built
// any (the box is then laid out again).
func (c *Canvas) fill() bool {
	if c.def == nil || c.def.Root == nil {
		return false
	}
	top, bottom := c.viewport()
	sight := c.scroll.Offset.Y - theme.Padding() // the top of what is in sight
	y, pad := float32(0), theme.Padding()
	built, shift := false, float32(0)
	for _, child := range c.def.Root.Children {
		b := c.blocks[child.ID]
		if b == nil {
			continue
		}
		if y >= bottom {
			break
		}
		h := heightOf(b.obj)
		if !b.built && y+h > top {
			c.build(b, child)
			built = true
			nh := b.obj.MinSize().Height
			if y < sight {
				shift += nh - h
			}
			h = nh
		}
		y += h + pad
	}
	if !built {
		return false
	}
	// Placeholders take the height the blocks built suggest.
	y = 0
	for _, child := range c.def.Root.Children {
		b := c.blocks[child.ID]
		if b == nil {
			continue
		}
		h := heightOf(b.obj)
		if r, ok := b.obj.(*canvas.Rectangle); ok && !b.built {
			if nh := c.perNode * float32(b.nodes); nh > 0 && nh != h {
				r.SetMinSize(fyne.NewSize(0, nh))
				if y < sight {
					shift += nh - h
				}
				h = nh
			}
		}
		y += h + pad
	}
	relayout(c.root)
	if shift != 0 {
		// A block above grew or shrank from its placeholder's height:
		// what is in sight stays where it was.
		c.scroll.Offset.Y = max(c.scroll.Offset.Y+shift, 0)
	}
	c.measured = false
	return true
}

// relayout lays box out again at its size and has it drawn: what
// Container.Refresh does without refreshing every object inside, which
// for the root box is every widget of every block built.
func relayout(box *fyne.Container) {
	if box.Layout != nil {
		box.Layout.Layout(box.Objects, box.Size())
	}
	canvas.Refresh(box)
}

// heightOf is the height o was laid out at, or its minimum before.
func heightOf(o fyne.CanvasObject) float32 {
	if h := o.Size().Height; h > 0 {
		return h
	}
	return o.MinSize().Height
}

// build renders a placeholder's block and puts it in the placeholder's
// place in the box; the caller lays the box out.
func (c *Canvas) build(b *block, child *dsl.Node) {
	old := b.obj
	nb := c.render(c.def, child, b.key)
	b.form, b.obj, b.built = nb.form, nb.obj, true
	for i, o := range c.root.Objects {
		if o == old {
			c.root.Objects[i] = b.obj
		}
	}
	if h := b.obj.MinSize().Height; h > 0 {
		// A running mean, so placeholders grow as like the blocks seen.
		if c.perNode <= 0 {
			c.perNode = h / float32(b.nodes)
		} else {
			c.perNode = (c.perNode*3 + h/float32(b.nodes)) / 4
		}
	}
}

// ensure builds the block of the node with id when it is a placeholder,
// laying the box out again; it reports whether it built it.
func (c *Canvas) ensure(id string) bool {
	c.measure()
	b := c.owner[id]
	if b == nil || b.built {
		return false
	}
	for _, child := range c.def.Root.Children {
		if child.ID == b.id {
			c.build(b, child)
			relayout(c.root)
			c.measured = false
			c.measure()
			return true
		}
	}
	return false
}
