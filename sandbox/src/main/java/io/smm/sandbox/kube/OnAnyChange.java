package io.smm.sandbox.kube;

import io.fabric8.kubernetes.client.informers.ResourceEventHandler;

/** An informer handler for level-triggered consumers: any add, update or delete runs the same action. */
public final class OnAnyChange<T> implements ResourceEventHandler<T> {

  private final Runnable action;

  public OnAnyChange(Runnable action) {
    this.action = action;
  }

  @Override
  public void onAdd(T obj) {
    action.run();
  }

  @Override
  public void onUpdate(T oldObj, T newObj) {
    action.run();
  }

  @Override
  public void onDelete(T obj, boolean deletedFinalStateUnknown) {
    action.run();
  }
}
