package state_test

import (
	"fmt"

	"guitai/money"
	"guitai/state"
)

// A computed field: the fee follows the amount.
func ExampleScope_Subscribe() {
	bus := state.NewBus()
	form := bus.Scope("form:deposit#1")
	form.Subscribe([]string{"amount"}, func(c state.Change) {
		form.Set("fee", c.Values["amount"].(money.Fen)/1000)
	})
	form.Set("amount", money.Fen(250000))
	fee, version := form.Get("fee")
	fmt.Println(fee, version)
	// Output: 2.50 2
}

// A read-modify-write transaction, retried on conflict.
func ExampleTxn() {
	session := state.NewBus().Scope("session")
	session.Set("vouchers", 0)
	for {
		tx := session.Begin()
		tx.Set("vouchers", tx.Get("vouchers").(int)+1)
		err := tx.Commit()
		if state.IsConflict(err) {
			continue
		}
		if err != nil {
			panic(err)
		}
		break
	}
	n, _ := session.Get("vouchers")
	fmt.Println(n)
	// Output: 1
}
