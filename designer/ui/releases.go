package ui

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"guitai/ledger"
	"guitai/release"
)

// This file is the designer's release view (ISSUE 17 §3): the packages
// of the open form's id in the ledger and their activation history, and
// the maker-checker steps on a version: approve, activate for a target,
// roll back a target. Each step asks who does it and authenticates them;
// the ledger decides whether they may (a supervisor or an admin, not the
// submitter for an approval).

// Approve authenticates user with password and approves ref as reviewed
// under digest (the digest the view showed).
func (l *Ledger) Approve(ctx context.Context, ref release.Ref, digest, user, password string) (ledger.ReleaseInfo, error) {
	if _, err := l.Store.Authenticate(ctx, user, password, l.Terminal); err != nil {
		return ledger.ReleaseInfo{}, err
	}
	return l.Releases.Approve(ctx, ref, digest, user)
}

// Activate authenticates user with password and activates ref for t.
func (l *Ledger) Activate(ctx context.Context, ref release.Ref, t release.Target, user, password string) error {
	if _, err := l.Store.Authenticate(ctx, user, password, l.Terminal); err != nil {
		return err
	}
	return l.Releases.Activate(ctx, ref, user, t)
}

// Rollback authenticates user with password and rolls package id back
// for t; it returns the version now active for t.
func (l *Ledger) Rollback(ctx context.Context, id string, t release.Target, user, password string) (release.Ref, error) {
	if _, err := l.Store.Authenticate(ctx, user, password, l.Terminal); err != nil {
		return release.Ref{}, err
	}
	return l.Releases.Rollback(ctx, id, t, user)
}

// Target kinds as the view offers them.
const (
	targetAllLabel      = "全部网点 All branches"
	targetBranchLabel   = "网点 Branch"
	targetTerminalLabel = "终端 Terminal"
)

// releasesView is the 发布记录 Releases dialog of one package id.
type releasesView struct {
	ed      *Editor
	id      string
	infos   []ledger.ReleaseInfo
	sel     int // index in infos, -1 for none
	list    *widget.List
	history *widget.Label
	msg     *widget.Label
	approve *widget.Button
	act     *widget.Button
	back    *widget.Button
}

// ShowReleases opens the 发布记录 Releases view of the open form's id:
// its packages in the ledger (version, state, digest, who submitted and
// approved it, where it is active) and its activation history, with
// 审批 Approve, 启用 Activate and 回退 Roll back on the selected version.
// Without a ledger it says so.
func (ed *Editor) ShowReleases() {
	if ed.cfg.Ledger == nil {
		ed.inform("发布记录 Releases", "未配置账务库：以 -db 启动设计器\nNo ledger: start the designer with -db")
		return
	}
	v := &releasesView{ed: ed, id: ed.doc.Form().ID, sel: -1}
	v.list = widget.NewList(func() int { return len(v.infos) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(packageLine(v.infos[i])) })
	v.list.OnSelected = func(i widget.ListItemID) { v.sel = i; v.buttons() }
	v.list.OnUnselected = func(widget.ListItemID) { v.sel = -1; v.buttons() }
	v.history = widget.NewLabel("")
	v.history.Wrapping = fyne.TextWrapWord
	v.msg = widget.NewLabel("")
	v.msg.Wrapping = fyne.TextWrapWord
	v.approve = widget.NewButton("审批 Approve", v.doApprove)
	v.act = widget.NewButton("启用 Activate", v.doActivate)
	v.back = widget.NewButton("回退 Roll back", v.doRollback)
	refresh := widget.NewButton("刷新 Refresh", v.refresh)
	v.buttons()

	bold := fyne.TextStyle{Bold: true}
	packages := container.NewBorder(widget.NewLabelWithStyle("版本 Versions", fyne.TextAlignLeading, bold), nil, nil, nil, v.list)
	history := container.NewBorder(widget.NewLabelWithStyle("启用记录 Activation history", fyne.TextAlignLeading, bold), nil, nil, nil,
		container.NewVScroll(v.history))
	split := container.NewVSplit(packages, history)
	split.Offset = 0.5
	actions := container.NewVBox(v.msg, container.NewHBox(v.approve, v.act, v.back, widget.NewSeparator(), refresh))
	d := dialog.NewCustom("发布记录 Releases — "+v.id, "关闭 Close", container.NewBorder(nil, actions, nil, nil, split), ed.win)
	d.Resize(fyne.NewSize(820, 560))
	d.Show()
	v.refresh()
}

// packageLine is a version's row: id@version, state, digest prefix,
// submitter, approver and active targets.
func packageLine(i ledger.ReleaseInfo) string {
	state := "已提交 submitted"
	if i.State == ledger.ReleaseApproved {
		state = "已审批 approved"
	}
	approver := "—"
	if i.ApprovedBy != "" {
		approver = i.ApprovedBy
	}
	active := "—"
	if len(i.Active) > 0 {
		var ts []string
		for _, t := range i.Active {
			ts = append(ts, t.String())
		}
		active = strings.Join(ts, ", ")
	}
	digest := i.Digest
	if len(digest) > 12 {
		digest = digest[:12]
	}
	return fmt.Sprintf("%s · %s · 摘要 %s · 提交 %s · 审批 %s · 启用于 active %s", i.Ref(), state, digest, i.SubmittedBy, approver, active)
}

// historyLine is one activation as the history tells it.
func historyLine(a ledger.Activation) string {
	state := a.State
	switch a.State {
	case "active":
		state = "生效 active"
	case "superseded":
		state = "已替换 superseded"
	case "rolled_back":
		state = "已回退 rolled_back"
	}
	s := fmt.Sprintf("#%d %s → %s · %s · 启用 %s %s", a.Seq, a.Ref, a.Target, state, a.ActivatedBy, a.ActivatedAt)
	if a.EndedBy != "" {
		s += fmt.Sprintf(" · 结束 %s %s", a.EndedBy, a.EndedAt)
	}
	return s
}

// buttons enables the actions the selected version allows.
func (v *releasesView) buttons() {
	i, ok := v.selected()
	setEnabled(v.approve, ok && i.State == ledger.ReleaseSubmitted)
	setEnabled(v.act, ok && i.State == ledger.ReleaseApproved)
	setEnabled(v.back, ok)
}

func (v *releasesView) selected() (ledger.ReleaseInfo, bool) {
	if v.sel < 0 || v.sel >= len(v.infos) {
		return ledger.ReleaseInfo{}, false
	}
	return v.infos[v.sel], true
}

// refresh reads the packages and the history again off the UI goroutine,
// keeping the selected version selected.
func (v *releasesView) refresh() {
	l, id := v.ed.cfg.Ledger, v.id
	background(func() {
		ctx := context.Background()
		all, err := l.Releases.List(ctx)
		var hist []ledger.Activation
		if err == nil {
			hist, err = l.Releases.History(ctx, id)
		}
		fyne.Do(func() {
			if err != nil {
				v.msg.SetText("✗ " + ledger.MessageOf(err, "zh") + "\n" + ledger.MessageOf(err, "en"))
				return
			}
			was, had := v.selected()
			v.infos = v.infos[:0]
			for _, i := range all {
				if i.ID == id {
					v.infos = append(v.infos, i)
				}
			}
			v.sel = -1
			v.list.UnselectAll()
			v.list.Refresh()
			pick := -1
			for n, i := range v.infos {
				if had && i.Ref() == was.Ref() {
					pick = n
				}
			}
			if pick < 0 && len(v.infos) > 0 {
				pick = len(v.infos) - 1 // the newest, so its actions are at hand
			}
			if pick >= 0 {
				v.list.Select(pick)
			}
			var lines []string
			for _, a := range hist {
				lines = append(lines, historyLine(a))
			}
			if len(lines) == 0 {
				lines = append(lines, "（无 none）各网点使用内置版本 every branch uses the built-in version "+id+"@1")
			}
			v.history.SetText(strings.Join(lines, "\n"))
			if len(v.infos) == 0 {
				v.msg.SetText("账务库中没有 " + id + " 的发布包 No package of " + id + " in the ledger")
			}
			v.buttons()
		})
	})
}

// done shows the outcome of an action and reads the ledger again.
func (v *releasesView) done(title, ok string, err error) {
	if err != nil {
		v.msg.SetText("✗ " + ledger.MessageOf(err, "zh") + " / " + ledger.MessageOf(err, "en"))
		v.ed.refused(title, err)
	} else {
		v.msg.SetText("✓ " + ok)
		v.ed.status(ok)
	}
	v.refresh()
}

// doApprove approves the selected version as someone else than its
// submitter.
func (v *releasesView) doApprove() {
	i, ok := v.selected()
	if !ok {
		return
	}
	l := v.ed.cfg.Ledger
	v.ed.askWho("审批 Approve "+i.Ref().String(), "审批 Approve", "审批人 Approver", nil, func(user, password string) {
		background(func() {
			_, err := l.Approve(context.Background(), i.Ref(), i.Digest, user, password)
			fyne.Do(func() {
				v.done("未审批 Not approved", fmt.Sprintf("已审批 Approved %s (%s)", i.Ref(), user), err)
			})
		})
	})
}

// targetItems are the form items that choose a target: all branches, a
// branch code or a terminal id typed in; target reads them.
func targetItems(preset release.Target) ([]*widget.FormItem, func() release.Target) {
	value := widget.NewEntry()
	value.SetPlaceHolder("网点号或终端号 Branch code or terminal id")
	kind := widget.NewSelect([]string{targetAllLabel, targetBranchLabel, targetTerminalLabel}, func(s string) {
		if s == targetAllLabel {
			value.SetText("")
			value.Disable()
		} else {
			value.Enable()
		}
	})
	switch preset.Kind {
	case release.TargetBranch:
		kind.SetSelected(targetBranchLabel)
	case release.TargetTerminal:
		kind.SetSelected(targetTerminalLabel)
	default:
		kind.SetSelected(targetAllLabel)
	}
	value.SetText(preset.Value)
	items := []*widget.FormItem{
		widget.NewFormItem("目标 Target", kind),
		widget.NewFormItem("网点/终端 Code", value),
	}
	return items, func() release.Target {
		v := strings.TrimSpace(value.Text)
		switch kind.Selected {
		case targetBranchLabel:
			return release.Branch(v)
		case targetTerminalLabel:
			return release.Terminal(v)
		}
		return release.All
	}
}

// doActivate activates the selected (approved) version for a target.
func (v *releasesView) doActivate() {
	i, ok := v.selected()
	if !ok {
		return
	}
	l := v.ed.cfg.Ledger
	items, target := targetItems(release.All)
	v.ed.askWho("启用 Activate "+i.Ref().String(), "启用 Activate", "启用人 By", items, func(user, password string) {
		t := target()
		background(func() {
			err := l.Activate(context.Background(), i.Ref(), t, user, password)
			fyne.Do(func() {
				v.done("未启用 Not activated", fmt.Sprintf("已启用 Activated %s for %s (%s)", i.Ref(), t, user), err)
			})
		})
	})
}

// doRollback rolls the package back for a target, the selected version's
// first active target offered.
func (v *releasesView) doRollback() {
	i, ok := v.selected()
	if !ok {
		return
	}
	preset := release.All
	if len(i.Active) > 0 {
		preset = i.Active[0]
	}
	l, id := v.ed.cfg.Ledger, v.id
	items, target := targetItems(preset)
	v.ed.askWho("回退 Roll back "+id, "回退 Roll back", "回退人 By", items, func(user, password string) {
		t := target()
		background(func() {
			now, err := l.Rollback(context.Background(), id, t, user, password)
			fyne.Do(func() {
				v.done("未回退 Not rolled back", fmt.Sprintf("已回退 Rolled back %s for %s, now %s (%s)", id, t, now, user), err)
			})
		})
	})
}
